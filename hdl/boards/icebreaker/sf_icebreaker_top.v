// iCEBreaker top: 12 MHz pad -> PLL -> 24 MHz system clock, power-on reset, and sf_core_uart
// at 1 Mbaud on the FTDI UART. The red LED shows received traffic, the green one sent traffic.
module sf_icebreaker_top #(
  parameter N   = 256,
  parameter NA  = 256,
  parameter DIV = 24           // 24 MHz / 24 = 1 Mbaud
) (
  input  wire clk_12m,
  input  wire uart_rx,
  output wire uart_tx,
  output wire led_red_n,
  output wire led_green_n,
  input  wire button_n
);
  wire clk;
  wire pll_lock;

  // Values from `icepll -i 12 -o 24`: F_VCO = 768 MHz, F_OUT = 12 * (63 + 1) / 2^5 = 24 MHz.
  SB_PLL40_PAD #(
    .FEEDBACK_PATH("SIMPLE"),
    .DIVR(4'b0000),
    .DIVF(7'b0111111),
    .DIVQ(3'b101),
    .FILTER_RANGE(3'b001)
  ) u_pll (
    .PACKAGEPIN(clk_12m),
    .PLLOUTGLOBAL(clk),
    .LOCK(pll_lock),
    .RESETB(1'b1),
    .BYPASS(1'b0)
  );

  // Flip-flops power up at zero, so the counter starts at zero and holds reset until the PLL
  // has locked and 16 further clocks have passed. The button restarts it.
  reg [4:0] por_q = 5'd0;
  wire      rst = !por_q[4];
  always @(posedge clk) begin
    if (!pll_lock || !button_n) por_q <= 5'd0;
    else if (!por_q[4]) por_q <= por_q + 5'd1;
  end

  sf_core_uart #(.N(N), .NA(NA), .DIV(DIV)) u_core_uart (
    .clk(clk), .rst(rst), .rx(uart_rx), .tx(uart_tx));

  // The LEDs follow the UART lines through one flip-flop each: idle lines keep them dark,
  // traffic makes them glow. This costs two cells, where pulse stretchers cost dozens in a
  // design that has to fit the UP5K.
  reg led_red_q = 1'b1, led_green_q = 1'b1;
  always @(posedge clk) begin
    led_red_q   <= uart_rx;
    led_green_q <= uart_tx;
  end
  assign led_red_n   = led_red_q;
  assign led_green_n = led_green_q;
endmodule

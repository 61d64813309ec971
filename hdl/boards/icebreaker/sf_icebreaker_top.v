// iCEBreaker top: 12 MHz pad -> PLL -> 24 MHz system clock, power-on reset, and sf_core_uart
// at 1 Mbaud on the FTDI UART. Red LED blinks on received bytes, green on transmitted bytes.
module sf_icebreaker_top #(
  parameter N   = 256,
  parameter NA  = 256,
  parameter DIV = 24,          // 24 MHz / 24 = 1 Mbaud
  parameter LED_BITS = 19      // LED pulse stretch: 2^19 clocks = 22 ms at 24 MHz
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
  // has locked and 2^8 further clocks have passed. The button restarts it.
  reg [8:0] por_q = 9'd0;
  wire      rst = !por_q[8];
  always @(posedge clk) begin
    if (!pll_lock || !button_n) por_q <= 9'd0;
    else if (!por_q[8]) por_q <= por_q + 9'd1;
  end

  wire rx_activity, tx_activity;
  sf_core_uart #(.N(N), .NA(NA), .DIV(DIV)) u_core_uart (
    .clk(clk), .rst(rst), .rx(uart_rx), .tx(uart_tx),
    .rx_activity(rx_activity), .tx_activity(tx_activity));

  // One shared period counter instead of a stretch counter per LED: an LED is lit for the
  // whole period that follows a period with activity, which costs a few flip-flops per LED.
  reg [LED_BITS-1:0] led_period_q = {LED_BITS{1'b0}};
  reg                red_seen_q = 1'b0, green_seen_q = 1'b0;
  reg                red_on_q = 1'b0, green_on_q = 1'b0;
  always @(posedge clk) begin
    led_period_q <= led_period_q + 1'b1;
    if (led_period_q == {LED_BITS{1'b0}}) begin
      red_on_q     <= red_seen_q || rx_activity;
      green_on_q   <= green_seen_q || tx_activity;
      red_seen_q   <= 1'b0;
      green_seen_q <= 1'b0;
    end else begin
      if (rx_activity) red_seen_q <= 1'b1;
      if (tx_activity) green_seen_q <= 1'b1;
    end
  end
  assign led_red_n   = !red_on_q;
  assign led_green_n = !green_on_q;
endmodule

// Board-level test bench: the iCEBreaker top with its vendor cells, driven only through the
// 12 MHz pad and the UART pins at exactly 1 Mbaud (1000 ns per bit, independent of the PLL).
// Request bytes come from +req=<hex file>, the reply bytes go to +resp=<file>.
`timescale 1ps / 1ps
module tb_icebreaker_board;
  parameter N = 16;
  parameter NA = 16;
  localparam integer BIT_PS = 1000000;

  reg  clk_12m = 1'b0;
  reg  uart_rx = 1'b1;
  wire uart_tx, led_red_n, led_green_n;

  always #41667 clk_12m = !clk_12m;  // 12 MHz board oscillator

  sf_icebreaker_top #(.N(N), .NA(NA)) dut (
    .clk_12m(clk_12m), .uart_rx(uart_rx), .uart_tx(uart_tx),
    .led_red_n(led_red_n), .led_green_n(led_green_n), .button_n(1'b1));

  reg [7:0]    req [0:4095];
  integer      nreq, i, k, fo, max_us, quiet_us;
  reg [1023:0] req_file, resp_file;
  realtime     last_activity;
  reg [7:0]    rx_byte;
  integer      rx_count = 0;
  integer      framing_errors = 0;

  task send_byte(input [7:0] b);
    integer j;
    begin
      uart_rx = 1'b0;
      #(BIT_PS);
      for (j = 0; j < 8; j = j + 1) begin
        uart_rx = b[j];
        #(BIT_PS);
      end
      uart_rx = 1'b1;
      #(BIT_PS);
    end
  endtask

  // Host receiver: centre sampling at 1 Mbaud.
  initial begin
    #(20 * BIT_PS);
    forever begin
      @(negedge uart_tx);
      #(BIT_PS / 2);
      if (uart_tx !== 1'b0) begin
        framing_errors = framing_errors + 1;
      end else begin
        for (k = 0; k < 8; k = k + 1) begin
          #(BIT_PS);
          rx_byte[k] = uart_tx;
        end
        #(BIT_PS);
        if (uart_tx !== 1'b1) framing_errors = framing_errors + 1;
        $fdisplay(fo, "%02x", rx_byte);
        rx_count = rx_count + 1;
        last_activity = $realtime;
      end
    end
  end

  initial begin
    if (!$value$plusargs("req=%s", req_file) || !$value$plusargs("nreq=%d", nreq) ||
        !$value$plusargs("resp=%s", resp_file)) begin
      $display("usage: +req=<hex> +nreq=<count> +resp=<file> [+max_us=N] [+quiet_us=N]");
      $finish;
    end
    if (!$value$plusargs("max_us=%d", max_us)) max_us = 20000;
    if (!$value$plusargs("quiet_us=%d", quiet_us)) quiet_us = 400;
    $readmemh(req_file, req, 0, nreq - 1);
    fo = $fopen(resp_file, "w");
    // PLL lock and power-on reset take a few microseconds; the FIFO in sf_core_uart holds
    // the request while the core initialises its memories.
    #(50 * BIT_PS);
    if (uart_tx !== 1'b1) $display("BOARD ERROR: uart_tx not idle high after reset: %b", uart_tx);
    for (i = 0; i < nreq; i = i + 1) send_byte(req[i]);
    last_activity = $realtime;
    while (($realtime - last_activity) < quiet_us * 1.0e6 && $realtime < max_us * 1.0e6)
      #(10 * BIT_PS);
    $display("BOARD DONE: %0d bytes received, %0d framing errors, %0t ps", rx_count,
             framing_errors, $realtime);
    $fclose(fo);
    $finish;
  end
endmodule

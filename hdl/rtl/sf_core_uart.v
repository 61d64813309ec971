// sf_core behind the two UARTs: what the board top wraps and what the UART-level test drives.
// A FIFO absorbs received bytes while the core holds a frame, since a UART cannot pause the host.
module sf_core_uart #(
  parameter N   = 256,
  parameter NA  = 256,
  parameter DIV = 24
) (
  input  wire clk,
  input  wire rst,
  input  wire rx,
  output wire tx
);
  wire [7:0] rx_data, fifo_data, out_data;
  wire       rx_valid, fifo_valid, core_in_ready, out_valid, uart_ready;
  /* verilator lint_off UNUSEDSIGNAL */
  wire       fifo_in_ready;  // a full FIFO drops the byte; the CRC then rejects the frame
  /* verilator lint_on UNUSEDSIGNAL */

  sf_uart_rx #(.DIV(DIV)) u_uart_rx (
    .clk(clk), .rst(rst), .rx(rx), .data(rx_data), .valid(rx_valid));

  sf_byte_fifo #(.ADDR_BITS(9)) u_rx_fifo (
    .clk(clk), .rst(rst),
    .in_data(rx_data), .in_valid(rx_valid), .in_ready(fifo_in_ready),
    .out_data(fifo_data), .out_valid(fifo_valid), .out_ready(core_in_ready));

  sf_core #(.N(N), .NA(NA)) u_core (
    .clk(clk), .rst(rst),
    .in_data(fifo_data), .in_valid(fifo_valid), .in_ready(core_in_ready),
    .out_data(out_data), .out_valid(out_valid), .out_ready(uart_ready));

  sf_uart_tx #(.DIV(DIV)) u_uart_tx (
    .clk(clk), .rst(rst), .data(out_data), .valid(out_valid), .ready(uart_ready), .tx(tx));
endmodule

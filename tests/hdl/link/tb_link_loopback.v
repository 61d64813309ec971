// Test tops for the link layer: every good frame that sf_frame_rx accepts is read back out of
// its buffer and sent again through sf_frame_tx, so the echo must equal encode_frame(payload).
// tb_frame_loopback works on raw bytes, tb_uart_loopback on the UART pins.
// The three test modules belong together, hence one file.
/* verilator lint_off DECLFILENAME */

// Reads the held frame byte by byte and streams it into the transmitter, then frees the buffer.
module tb_echo_sequencer (
  input  wire       clk,
  input  wire       rst,
  input  wire       frame_valid,
  input  wire [9:0] frame_len,
  output wire [8:0] rd_addr,
  input  wire [7:0] rd_data,
  output wire       frame_done,
  output wire [7:0] tx_data,
  output wire       tx_valid,
  output wire       tx_last,
  input  wire       tx_ready
);
  localparam [1:0] S_IDLE = 2'd0, S_READ = 2'd1, S_SEND = 2'd2;
  reg [1:0] state_q;
  reg [9:0] idx_q;
  reg       done_q;

  always @(posedge clk) begin
    if (rst) begin
      state_q <= S_IDLE;
      idx_q   <= 10'd0;
      done_q  <= 1'b0;
    end else begin
      done_q <= 1'b0;
      case (state_q)
        S_IDLE: if (frame_valid && !done_q) begin
          idx_q   <= 10'd0;
          state_q <= S_READ;
        end
        S_READ: state_q <= S_SEND;  // rd_data follows rd_addr one clock later
        S_SEND: if (tx_ready) begin
          if (tx_last) begin
            done_q  <= 1'b1;
            state_q <= S_IDLE;
          end else begin
            idx_q   <= idx_q + 10'd1;
            state_q <= S_READ;
          end
        end
        default: state_q <= S_IDLE;
      endcase
    end
  end

  assign rd_addr    = idx_q[8:0];
  assign frame_done = done_q;
  assign tx_data    = rd_data;
  assign tx_valid   = state_q == S_SEND;
  assign tx_last    = (state_q == S_SEND) && (idx_q == frame_len - 10'd1);
endmodule

module tb_frame_loopback #(
  parameter MAX_PAYLOAD = 512
) (
  input  wire       clk,
  input  wire       rst,
  input  wire [7:0] in_data,
  input  wire       in_valid,
  output wire       in_ready,
  output wire [7:0] out_data,
  output wire       out_valid,
  input  wire       out_ready,
  output wire       frame_valid,
  output wire [9:0] frame_len,
  output wire       err_valid,
  output wire [1:0] err_code
);
  wire [8:0] rd_addr;
  wire [7:0] rd_data, tx_data;
  wire       frame_done, tx_valid, tx_last, tx_ready;

  sf_frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD)) u_rx (
    .clk(clk), .rst(rst), .in_data(in_data), .in_valid(in_valid), .in_ready(in_ready),
    .frame_valid(frame_valid), .frame_len(frame_len), .rd_addr(rd_addr), .rd_data(rd_data),
    .frame_done(frame_done), .err_valid(err_valid), .err_code(err_code));
  tb_echo_sequencer u_seq (
    .clk(clk), .rst(rst), .frame_valid(frame_valid), .frame_len(frame_len),
    .rd_addr(rd_addr), .rd_data(rd_data), .frame_done(frame_done),
    .tx_data(tx_data), .tx_valid(tx_valid), .tx_last(tx_last), .tx_ready(tx_ready));
  sf_frame_tx #(.MAX_PAYLOAD(MAX_PAYLOAD)) u_tx (
    .clk(clk), .rst(rst), .tx_data(tx_data), .tx_valid(tx_valid), .tx_last(tx_last),
    .tx_ready(tx_ready), .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready));
endmodule

module tb_uart_loopback #(
  parameter DIV = 24
) (
  input  wire       clk,
  input  wire       rst,
  input  wire       rx,
  output wire       tx,
  output wire       err_valid,
  output wire [1:0] err_code
);
  wire [7:0] rx_data, fifo_data, out_data;
  wire       rx_valid, fifo_valid, fifo_ready, out_valid, out_ready;
  /* verilator lint_off UNUSEDSIGNAL */
  wire       frame_valid;    // observed only in the byte-level test
  wire [9:0] frame_len;
  wire       fifo_in_ready;  // overflow cannot happen while the test waits for each echo
  /* verilator lint_on UNUSEDSIGNAL */

  sf_uart_rx #(.DIV(DIV)) u_urx (.clk(clk), .rst(rst), .rx(rx), .data(rx_data), .valid(rx_valid));
  sf_byte_fifo u_fifo (
    .clk(clk), .rst(rst), .in_data(rx_data), .in_valid(rx_valid), .in_ready(fifo_in_ready),
    .out_data(fifo_data), .out_valid(fifo_valid), .out_ready(fifo_ready));
  tb_frame_loopback u_loop (
    .clk(clk), .rst(rst), .in_data(fifo_data), .in_valid(fifo_valid), .in_ready(fifo_ready),
    .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready),
    .frame_valid(frame_valid), .frame_len(frame_len), .err_valid(err_valid), .err_code(err_code));
  sf_uart_tx #(.DIV(DIV)) u_utx (
    .clk(clk), .rst(rst), .data(out_data), .valid(out_valid), .ready(out_ready), .tx(tx));
endmodule

// The two UARTs side by side, unconnected, so their pin timing can be checked separately.
module tb_uart_pair #(
  parameter DIV = 24
) (
  input  wire       clk,
  input  wire       rst,
  input  wire       rx,
  output wire [7:0] rx_data,
  output wire       rx_valid,
  input  wire [7:0] tx_data,
  input  wire       tx_valid,
  output wire       tx_ready,
  output wire       tx
);
  sf_uart_rx #(.DIV(DIV)) u_urx (.clk(clk), .rst(rst), .rx(rx), .data(rx_data), .valid(rx_valid));
  sf_uart_tx #(.DIV(DIV)) u_utx (
    .clk(clk), .rst(rst), .data(tx_data), .valid(tx_valid), .ready(tx_ready), .tx(tx));
endmodule
/* verilator lint_on DECLFILENAME */

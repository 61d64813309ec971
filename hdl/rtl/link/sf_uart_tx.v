// UART transmitter, 8N1, DIV clocks per bit, idle high. The line is driven from a flip-flop so
// it never glitches, and every bit, the stop bit included, lasts exactly DIV clocks.
module sf_uart_tx #(
  parameter DIV = 24
) (
  input  wire       clk,
  input  wire       rst,
  input  wire [7:0] data,
  input  wire       valid,
  output wire       ready,
  output wire       tx
);
  localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;
  localparam integer FULL_COUNT = DIV - 1;
  localparam integer CW = (DIV > 2) ? $clog2(DIV) : 1;  // bit-period counter width

  reg [1:0]  state_q;
  reg [CW-1:0] count_q;
  reg [2:0]  bit_q;
  reg [7:0]  shift_q;
  reg        tx_q;

  // Accepting the next byte in the last clock of the stop bit keeps back-to-back bytes at
  // exactly 10 * DIV clocks each.
  wire last_stop_clock = (state_q == S_STOP) && (count_q == {CW{1'b0}});
  assign ready = (state_q == S_IDLE) || last_stop_clock;
  assign tx    = tx_q;

  always @(posedge clk) begin
    if (rst) begin
      state_q <= S_IDLE;
      count_q <= {CW{1'b0}};
      bit_q   <= 3'd0;
      shift_q <= 8'd0;
      tx_q    <= 1'b1;
    end else if (valid && ready) begin
      state_q <= S_START;
      count_q <= FULL_COUNT[CW-1:0];
      shift_q <= data;
      tx_q    <= 1'b0;
    end else begin
      case (state_q)
        S_IDLE: tx_q <= 1'b1;
        S_START: begin
          if (count_q != {CW{1'b0}}) begin
            count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          end else begin
            state_q <= S_DATA;
            count_q <= FULL_COUNT[CW-1:0];
            bit_q   <= 3'd0;
            tx_q    <= shift_q[0];
            shift_q <= {1'b0, shift_q[7:1]};
          end
        end
        S_DATA: begin
          if (count_q != {CW{1'b0}}) begin
            count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          end else begin
            count_q <= FULL_COUNT[CW-1:0];
            if (bit_q == 3'd7) begin
              state_q <= S_STOP;
              tx_q    <= 1'b1;
            end else begin
              tx_q    <= shift_q[0];
              shift_q <= {1'b0, shift_q[7:1]};
            end
            bit_q <= bit_q + 3'd1;
          end
        end
        S_STOP: begin
          if (count_q != {CW{1'b0}}) count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          else state_q <= S_IDLE;
        end
        default: state_q <= S_IDLE;
      endcase
    end
  end
endmodule

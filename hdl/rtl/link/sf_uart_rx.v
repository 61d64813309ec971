// UART receiver, 8N1, DIV clocks per bit. The line passes a two-flop synchroniser, and every bit
// is sampled at its centre measured from the falling edge of the start bit.
module sf_uart_rx #(
  parameter DIV = 24
) (
  input  wire       clk,
  input  wire       rst,
  input  wire       rx,
  output wire [7:0] data,
  output wire       valid
);
  localparam [1:0] S_IDLE = 2'd0, S_START = 2'd1, S_DATA = 2'd2, S_STOP = 2'd3;
  // The synchroniser delays the line by two clocks; starting the half-bit count one clock
  // short puts the sample exactly DIV/2 clocks after the edge, in line time.
  localparam integer HALF_COUNT = DIV / 2 - 1;
  localparam integer FULL_COUNT = DIV - 1;
  localparam integer CW = (DIV > 2) ? $clog2(DIV) : 1;  // bit-period counter width

  reg        sync1_q, sync2_q;
  reg [1:0]  state_q;
  reg [CW-1:0] count_q;
  reg [2:0]  bit_q;
  reg [7:0]  shift_q;
  reg [7:0]  data_q;
  reg        valid_q;
  reg        wait_high_q;  // after a framing error: wait for the idle level before the next start

  always @(posedge clk) begin
    if (rst) begin
      sync1_q <= 1'b1;
      sync2_q <= 1'b1;
    end else begin
      sync1_q <= rx;
      sync2_q <= sync1_q;
    end
  end

  always @(posedge clk) begin
    if (rst) begin
      state_q     <= S_IDLE;
      count_q     <= {CW{1'b0}};
      bit_q       <= 3'd0;
      shift_q     <= 8'd0;
      data_q      <= 8'd0;
      valid_q     <= 1'b0;
      wait_high_q <= 1'b0;
    end else begin
      valid_q <= 1'b0;
      case (state_q)
        S_IDLE: begin
          if (wait_high_q) begin
            if (sync2_q) wait_high_q <= 1'b0;
          end else if (!sync2_q) begin
            state_q <= S_START;
            count_q <= HALF_COUNT[CW-1:0];
          end
        end
        S_START: begin
          if (count_q != {CW{1'b0}}) begin
            count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          end else if (!sync2_q) begin
            state_q <= S_DATA;
            count_q <= FULL_COUNT[CW-1:0];
            bit_q   <= 3'd0;
          end else begin
            state_q <= S_IDLE;  // a glitch shorter than half a bit is not a start bit
          end
        end
        S_DATA: begin
          if (count_q != {CW{1'b0}}) begin
            count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          end else begin
            shift_q <= {sync2_q, shift_q[7:1]};
            count_q <= FULL_COUNT[CW-1:0];
            if (bit_q == 3'd7) state_q <= S_STOP;
            bit_q <= bit_q + 3'd1;
          end
        end
        S_STOP: begin
          if (count_q != {CW{1'b0}}) begin
            count_q <= count_q - {{(CW-1){1'b0}}, 1'b1};
          end else begin
            state_q <= S_IDLE;
            if (sync2_q) begin
              data_q  <= shift_q;
              valid_q <= 1'b1;
            end else begin
              wait_high_q <= 1'b1;  // framing error: the byte is dropped
            end
          end
        end
        default: state_q <= S_IDLE;
      endcase
    end
  end

  assign data  = data_q;
  assign valid = valid_q;
endmodule

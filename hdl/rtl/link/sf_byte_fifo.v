// Byte FIFO in one block RAM between the UART receiver (which cannot wait) and the frame
// receiver (which pauses while the core holds a frame). First-word-fall-through; one byte
// every second clock at most, which is far above any UART rate.
module sf_byte_fifo #(
  parameter ADDR_BITS = 9
) (
  input  wire       clk,
  input  wire       rst,
  input  wire [7:0] in_data,
  input  wire       in_valid,
  output wire       in_ready,
  output wire [7:0] out_data,
  output wire       out_valid,
  input  wire       out_ready
);
  localparam integer DEPTH = 1 << ADDR_BITS;
  localparam [ADDR_BITS:0] FULL = DEPTH[ADDR_BITS:0];

  reg [7:0]           mem [0:DEPTH-1];
  reg [7:0]           rd_data_q;
  reg [ADDR_BITS-1:0] wptr_q, rptr_q;
  reg [ADDR_BITS:0]   count_q;
  reg                 valid_q;

  wire push = in_valid && (count_q != FULL);
  wire pop  = out_ready && valid_q;

  // The registered read shows mem[rptr] one clock late, so the head is valid only when the
  // read pointer did not move and the entry was already written in the previous clock.
  always @(posedge clk) begin
    if (push) mem[wptr_q] <= in_data;
    rd_data_q <= mem[rptr_q];
  end

  always @(posedge clk) begin
    if (rst) begin
      wptr_q  <= {ADDR_BITS{1'b0}};
      rptr_q  <= {ADDR_BITS{1'b0}};
      count_q <= {(ADDR_BITS + 1){1'b0}};
      valid_q <= 1'b0;
    end else begin
      if (push) wptr_q <= wptr_q + 1'b1;
      if (pop)  rptr_q <= rptr_q + 1'b1;
      if (push && !pop)      count_q <= count_q + 1'b1;
      else if (pop && !push) count_q <= count_q - 1'b1;
      valid_q <= (count_q != {(ADDR_BITS + 1){1'b0}}) && !pop;
    end
  end

  assign in_ready  = count_q != FULL;
  assign out_data  = rd_data_q;
  assign out_valid = valid_q;
endmodule

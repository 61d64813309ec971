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

  reg [7:0]         mem [0:DEPTH-1];
  reg [7:0]         rd_data_q;
  // Pointers one bit wider than the address: equal means empty, differing only in the top
  // bit means full, so no separate count register is needed.
  reg [ADDR_BITS:0] wptr_q, rptr_q;
  reg               valid_q;

  wire empty = wptr_q == rptr_q;
  wire full  = (wptr_q[ADDR_BITS] != rptr_q[ADDR_BITS]) &&
               (wptr_q[ADDR_BITS-1:0] == rptr_q[ADDR_BITS-1:0]);
  wire push  = in_valid && !full;
  wire pop   = out_ready && valid_q;

  // The registered read shows mem[rptr] one clock late, so the head is valid only when the
  // read pointer did not move and the entry was already written in the previous clock.
  always @(posedge clk) begin
    if (push) mem[wptr_q[ADDR_BITS-1:0]] <= in_data;
    rd_data_q <= mem[rptr_q[ADDR_BITS-1:0]];
  end

  always @(posedge clk) begin
    if (rst) begin
      wptr_q  <= {(ADDR_BITS + 1){1'b0}};
      rptr_q  <= {(ADDR_BITS + 1){1'b0}};
      valid_q <= 1'b0;
    end else begin
      if (push) wptr_q <= wptr_q + 1'b1;
      if (pop)  rptr_q <= rptr_q + 1'b1;
      valid_q <= !empty && !pop;
    end
  end

  assign in_ready  = !full;
  assign out_data  = rd_data_q;
  assign out_valid = valid_q;
endmodule

// Behavioural signed 16 x 16 multiplier with a registered 32-bit product (latency one),
// the shape of one iCE40 SB_MAC16; the board layer swaps in the SB_MAC16 version.
module sf_mul16 (
  input  wire               clk,
  input  wire signed [15:0] a,
  input  wire signed [15:0] b,
  output wire signed [31:0] p
);
  reg signed [31:0] p_q;

  always @(posedge clk) p_q <= a * b;

  assign p = p_q;
endmodule

// Behavioural 16K x 16 single-port RAM with the iCE40 SPRAM's behaviour: read latency one,
// per-nibble write mask, and rdata keeps its value on a write cycle (no-change).
// The board layer replaces this file by a wrapper around SB_SPRAM256KA.
module sf_spram (
  input  wire        clk,
  input  wire [13:0] addr,
  input  wire [15:0] wdata,
  input  wire [3:0]  maskwe,
  input  wire        we,
  output wire [15:0] rdata
);
  reg [15:0] mem [0:16383];
  reg [15:0] rdata_q;

  // Write xor read in one cycle: the no-change template that synth_ice40 -spram maps onto SPRAM.
  always @(posedge clk) begin
    if (we) begin
      if (maskwe[0]) mem[addr][3:0]   <= wdata[3:0];
      if (maskwe[1]) mem[addr][7:4]   <= wdata[7:4];
      if (maskwe[2]) mem[addr][11:8]  <= wdata[11:8];
      if (maskwe[3]) mem[addr][15:12] <= wdata[15:12];
    end else begin
      rdata_q <= mem[addr];
    end
  end

  assign rdata = rdata_q;
endmodule

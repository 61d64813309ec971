// sf_spram for the iCE40 UP5K: one SB_SPRAM256KA (16K x 16) with the same ports and timing as
// hdl/rtl/sf_spram.v. The hardware keeps DATAOUT on a write cycle, which is the no-change
// behaviour the core relies on.
module sf_spram (
  input  wire        clk,
  input  wire [13:0] addr,
  input  wire [15:0] wdata,
  input  wire [3:0]  maskwe,
  input  wire        we,
  output wire [15:0] rdata
);
  SB_SPRAM256KA u_spram (
    .ADDRESS(addr),
    .DATAIN(wdata),
    .MASKWREN(maskwe),
    .WREN(we),
    .CHIPSELECT(1'b1),
    .CLOCK(clk),
    .STANDBY(1'b0),
    .SLEEP(1'b0),
    .POWEROFF(1'b1),  // active low: 1 keeps the array powered
    .DATAOUT(rdata)
  );
endmodule

// Behavioural simple dual-port RAM (one write port, one registered read port) for the core's
// per-neuron state and parameters; yosys maps it onto iCE40 SB_RAM40_4K block RAM.
module sf_core_ram #(
  parameter W = 16,
  parameter DEPTH = 256,
  parameter AW = 8
) (
  input  wire          clk,
  input  wire          we,
  // The core sizes its address buses for the largest core; a smaller RAM ignores the top bits.
  /* verilator lint_off UNUSEDSIGNAL */
  input  wire [AW-1:0] waddr,
  input  wire [W-1:0]  wdata,
  input  wire [AW-1:0] raddr,
  /* verilator lint_on UNUSEDSIGNAL */
  output wire [W-1:0]  rdata
);
  localparam DW = (DEPTH > 1) ? $clog2(DEPTH) : 1;

  // The core never uses the data of a read that meets a write to the same address; without
  // no_rw_check yosys emulates read-before-write in fabric (about 40 flip-flops and 20 LUTs
  // per RAM), which alone would overflow the UP5K.
  (* no_rw_check *)
  reg [W-1:0] mem [0:DEPTH-1];
  reg [W-1:0] rdata_q;

  // Contents are undefined after configuration on purpose: the host clears them (CLEAR).
  always @(posedge clk) begin
    if (we) mem[waddr[DW-1:0]] <= wdata;
    rdata_q <= mem[raddr[DW-1:0]];
  end

  assign rdata = rdata_q;
endmodule

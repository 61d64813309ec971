// Simulation model of the iCE40 SB_PLL40_PAD (yosys's cells_sim.v has only a black box):
// SIMPLE feedback, F_OUT = F_IN * (DIVF + 1) / ((DIVR + 1) * 2^DIVQ), measured from the pad
// clock, with the datasheet's PFD and VCO ranges enforced, so wrong divider values fail the
// board test instead of silently producing some clock.
`timescale 1ps / 1ps
module SB_PLL40_PAD (
  input        PACKAGEPIN,
  output       PLLOUTCORE,
  output       PLLOUTGLOBAL,
  input        EXTFEEDBACK,
  input  [7:0] DYNAMICDELAY,
  output       LOCK,
  input        BYPASS,
  input        RESETB,
  input        LATCHINPUTVALUE,
  output       SDO,
  input        SDI,
  input        SCLK
);
  parameter FEEDBACK_PATH = "SIMPLE";
  parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED";
  parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED";
  parameter SHIFTREG_DIV_MODE = 1'b0;
  parameter FDA_FEEDBACK = 4'b0000;
  parameter FDA_RELATIVE = 4'b0000;
  parameter PLLOUT_SELECT = "GENCLK";
  parameter DIVR = 4'b0000;
  parameter DIVF = 7'b0000000;
  parameter DIVQ = 3'b000;
  parameter FILTER_RANGE = 3'b000;
  parameter ENABLE_ICEGATE = 1'b0;
  parameter TEST_MODE = 1'b0;
  parameter EXTERNAL_DIVIDE_FACTOR = 1;

  realtime last_edge = 0.0;
  realtime in_period = 0.0;
  integer  in_edges = 0;
  reg      out_clk = 1'b0;
  reg      locked = 1'b0;
  real     f_in_mhz, f_pfd_mhz, f_vco_mhz, half_ps;

  always @(posedge PACKAGEPIN) begin
    if (in_edges > 0) in_period = $realtime - last_edge;
    last_edge = $realtime;
    in_edges = in_edges + 1;
    if (in_edges == 16 && RESETB && !BYPASS) locked <= 1'b1;
  end

  initial begin
    wait (in_edges >= 3);
    f_in_mhz  = 1.0e6 / in_period;
    f_pfd_mhz = f_in_mhz / (DIVR + 1);
    f_vco_mhz = f_pfd_mhz * (DIVF + 1);
    if (FEEDBACK_PATH != "SIMPLE" || DIVQ == 0 || f_pfd_mhz < 10.0 || f_pfd_mhz > 133.0 ||
        f_vco_mhz < 533.0 || f_vco_mhz > 1066.0) begin
      $display("SB_PLL40_PAD ERROR: F_IN %f MHz, F_PFD %f MHz, F_VCO %f MHz out of range", f_in_mhz,
               f_pfd_mhz, f_vco_mhz);
      $finish;
    end
    half_ps = in_period * (DIVR + 1) * (1 << DIVQ) / (DIVF + 1) / 2.0;
    $display("SB_PLL40_PAD: F_OUT = %f MHz", 1.0e6 / (2.0 * half_ps));
    forever #(half_ps) out_clk = !out_clk;
  end

  assign PLLOUTCORE   = out_clk;
  assign PLLOUTGLOBAL = out_clk;
  assign LOCK         = locked;
  assign SDO          = 1'b0;
endmodule

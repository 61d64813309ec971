// sf_mul16 for the iCE40 UP5K: one SB_MAC16 as a signed 16 x 16 multiplier whose 32-bit
// product is registered inside the DSP (the 16x16 pipeline register), latency one like
// hdl/rtl/sf_mul16.v.
// keep_hierarchy: yosys 0.23's ice40_dsp pass asserts (ice40_dsp_pm.h:388) on an SB_MAC16
// whose product bits are used with a gap (e.g. only p[31:24] and p[7:0]); behind a module
// boundary every bit has a user, and nextpnr reads the hierarchical netlist as it is.
(* keep_hierarchy *)
module sf_mul16 (
  input  wire               clk,
  input  wire signed [15:0] a,
  input  wire signed [15:0] b,
  output wire signed [31:0] p
);
  SB_MAC16 #(
    .NEG_TRIGGER(1'b0),
    .C_REG(1'b0),
    .A_REG(1'b0),
    .B_REG(1'b0),
    .D_REG(1'b0),
    .TOP_8x8_MULT_REG(1'b0),
    .BOT_8x8_MULT_REG(1'b0),
    .PIPELINE_16x16_MULT_REG1(1'b0),
    .PIPELINE_16x16_MULT_REG2(1'b1),  // the one register: product out of the DSP's own flops
    .TOPOUTPUT_SELECT(2'b11),          // upper half of the 16x16 product
    .TOPADDSUB_LOWERINPUT(2'b00),
    .TOPADDSUB_UPPERINPUT(1'b0),
    .TOPADDSUB_CARRYSELECT(2'b00),
    .BOTOUTPUT_SELECT(2'b11),          // lower half of the 16x16 product
    .BOTADDSUB_LOWERINPUT(2'b00),
    .BOTADDSUB_UPPERINPUT(1'b0),
    .BOTADDSUB_CARRYSELECT(2'b00),
    .MODE_8x8(1'b0),
    .A_SIGNED(1'b1),
    .B_SIGNED(1'b1)
  ) u_mac (
    .CLK(clk), .CE(1'b1),
    .C(16'h0000), .A(a), .B(b), .D(16'h0000),
    .AHOLD(1'b0), .BHOLD(1'b0), .CHOLD(1'b0), .DHOLD(1'b0),
    .IRSTTOP(1'b0), .IRSTBOT(1'b0), .ORSTTOP(1'b0), .ORSTBOT(1'b0),
    .OLOADTOP(1'b0), .OLOADBOT(1'b0), .ADDSUBTOP(1'b0), .ADDSUBBOT(1'b0),
    .OHOLDTOP(1'b0), .OHOLDBOT(1'b0),
    .CI(1'b0), .ACCUMCI(1'b0), .SIGNEXTIN(1'b0),
    .O(p),
    /* verilator lint_off PINCONNECTEMPTY */
    .CO(), .ACCUMCO(), .SIGNEXTOUT()
    /* verilator lint_on PINCONNECTEMPTY */
  );
endmodule

// The spikeforge neuromorphic core: command engine, neuron pass (LIF / Izhikevich), spike row
// delivery and pair STDP over four weight SPRAMs. docs/hardware.md is its specification and
// spikeforge::hw::CoreState (golden_model.hpp) the reference it must match bit for bit.
//
// One sequential engine does everything; each arithmetic chain is split over registered
// states (one add or one product per cycle) so the datapath is short for the UP5K.
module sf_core #(
  parameter N = 256,           // neurons, a power of two in [16, 256]
  parameter NA = 256,          // input axons, a multiple of 16 in [16, 256]
  parameter MAX_PAYLOAD = 512
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
  // ---------------------------------------------------------------------------------------
  // Sizes
  localparam NS = N + NA;                 // sources: neurons, then axons
  localparam NH = N / 2;                  // weight words per row
  localparam NSH = NS / 2;                // source pairs per column
  localparam RSH = $clog2(N / 8);         // log2(words per row per bank)
  localparam NSLOT = 8;
  localparam integer WB = NS * N;
  localparam [31:0] WEIGHT_BYTES = WB;
  localparam [15:0] N16 = N[15:0];
  localparam [15:0] NA16 = NA[15:0];
  localparam [17:0] N18 = N[17:0];
  localparam [17:0] NS18 = NS[17:0];
  localparam [9:0] NS10 = NS[9:0];
  localparam [8:0] N9 = N[8:0];
  localparam [7:0] NH8 = NH[7:0];
  localparam [8:0] NSH9 = NSH[8:0];
  localparam [7:0] VERSION = 8'd2;
  localparam [13:0] N14 = N[13:0];
  localparam [13:0] NH14 = NH[13:0];
  localparam [13:0] NSH14 = NSH[13:0];
  localparam integer AQ = NSLOT * NA;
  localparam [13:0] AQ14 = AQ[13:0];

  // Opcodes and answers (docs/hardware-protocol.md)
  localparam [7:0] OP_HELLO = 8'h01, OP_WW = 8'h02, OP_RW = 8'h03, OP_WP = 8'h04,
                   OP_WS = 8'h05, OP_WL = 8'h06, OP_STDP = 8'h07, OP_INPUT = 8'h08,
                   OP_STEP = 8'h09, OP_RS = 8'h0A, OP_CLEAR = 8'h0B;
  localparam [7:0] R_INFO = 8'h81, R_WEIGHTS = 8'h83, R_STATE = 8'h8A, R_SPIKES = 8'h90,
                   R_ACK = 8'hA0, R_NAK = 8'hE0;
  localparam [7:0] NAK_OPCODE = 8'd4, NAK_LENGTH = 8'd5, NAK_ARG = 8'd6;

  // ---------------------------------------------------------------------------------------
  // States
  localparam [6:0]
    S_IDLE = 7'd0, S_HDR = 7'd1, S_DISP = 7'd2, S_SENDBUF = 7'd3, S_SEND1 = 7'd4,
    S_FINISH = 7'd5, S_WW_RD = 7'd6, S_WW_WR = 7'd7, S_RW_RD = 7'd8, S_RW_CAP = 7'd9,
    S_W16_A = 7'd10, S_W16_B = 7'd11, S_W16_C = 7'd12, S_WL_A = 7'd13, S_WL_B = 7'd14,
    S_IN_CA = 7'd15, S_IN_CB = 7'd16, S_IN_WA = 7'd17, S_IN_WB = 7'd18, S_RS_A = 7'd19,
    S_RS_B = 7'd20, S_RS_HI = 7'd21, S_CLR = 7'd22, S_P1_A = 7'd23, S_P1_B = 7'd24,
    S_P1_C = 7'd25, S_P1_D = 7'd26, S_P1_E = 7'd27, S_ROW = 7'd28, S_NP_BEGIN = 7'd29,
    S_NP_A = 7'd30, S_NP_B = 7'd31, S_C1 = 7'd32, S_C2 = 7'd33, S_C3 = 7'd34, S_L1 = 7'd35,
    S_L2 = 7'd36, S_L3 = 7'd37, S_H1 = 7'd38, S_H2 = 7'd39, S_H3 = 7'd40, S_H4 = 7'd41,
    S_H5 = 7'd42, S_B1 = 7'd43, S_B2 = 7'd44, S_B3 = 7'd45, S_B4 = 7'd46, S_B5 = 7'd47,
    S_T1 = 7'd48, S_T2 = 7'd49, S_T3 = 7'd50, S_T4 = 7'd51, S_COL = 7'd52,
    S_NP_NEXT = 7'd53, S_ST_END = 7'd54, S_ST_NEXT = 7'd55, S_ST_BEGIN = 7'd56,
    S_CHK1 = 7'd57, S_CHK2 = 7'd58, S_P1_W = 7'd59, S_H6 = 7'd60, S_L4 = 7'd61, S_B2B = 7'd62;

  // ---------------------------------------------------------------------------------------
  // Helpers
  function [15:0] sat16;
    input [31:0] x;
    begin
      if (!x[31] && (x[30:15] != 16'd0)) sat16 = 16'h7FFF;
      else if (x[31] && (x[30:15] != 16'hFFFF)) sat16 = 16'h8000;
      else sat16 = x[15:0];
    end
  endfunction

  function [15:0] sat17;  // saturate a 17-bit sum of two 16-bit values
    input [16:0] x;
    begin
      if (x[16] != x[15]) sat17 = x[16] ? 16'h8000 : 16'h7FFF;
      else sat17 = x[15:0];
    end
  endfunction

  function [15:0] sat16_24;
    input [23:0] x;
    begin
      if (!x[23] && (x[22:15] != 8'd0)) sat16_24 = 16'h7FFF;
      else if (x[23] && (x[22:15] != 8'hFF)) sat16_24 = 16'h8000;
      else sat16_24 = x[15:0];
    end
  endfunction

  // clamp(w + a, lo, hi) with the bounds pre-shifted: w + a < lo  <=>  w < lo - a.
  function [7:0] wstep;
    input [7:0] w;
    input [7:0] a8;       // low byte of the amount: enough for the low byte of w + a
    input [9:0] lo_m_a;
    input [9:0] hi_m_a;
    input [7:0] lo;
    input [7:0] hi;
    reg [9:0] w10;
    begin
      w10 = {{2{w[7]}}, w};
      if ($signed(w10) < $signed(lo_m_a)) wstep = lo;
      else if ($signed(w10) > $signed(hi_m_a)) wstep = hi;
      else wstep = w + a8;
    end
  endfunction

  function [7:0] tsat;  // trace: min(255, a + b)
    input [7:0] a;
    input [7:0] b;
    reg [8:0] s;
    begin
      s = {1'b0, a} + {1'b0, b};
      tsat = s[8] ? 8'hFF : s[7:0];
    end
  endfunction

  function [6:0] amt;  // STDP amount: min(127, x)
    input [7:0] x;
    begin
      amt = x[7] ? 7'h7F : x[6:0];
    end
  endfunction

  // ---------------------------------------------------------------------------------------
  // Link
  wire       frame_valid;
  wire [9:0] frame_len;
  reg  [8:0] rd_addr;
  wire [7:0] rd_data;
  wire       frame_done;
  wire       err_valid;
  wire [1:0] err_code;
  reg  [7:0] tx_data;
  reg        tx_valid;
  reg        tx_last;
  wire       tx_ready;

  sf_frame_rx #(.MAX_PAYLOAD(MAX_PAYLOAD)) u_rx (
    .clk(clk), .rst(rst), .in_data(in_data), .in_valid(in_valid), .in_ready(in_ready),
    .frame_valid(frame_valid), .frame_len(frame_len), .rd_addr(rd_addr), .rd_data(rd_data),
    .frame_done(frame_done), .err_valid(err_valid), .err_code(err_code));

  sf_frame_tx #(.MAX_PAYLOAD(MAX_PAYLOAD)) u_tx (
    .clk(clk), .rst(rst), .tx_data(tx_data), .tx_valid(tx_valid), .tx_last(tx_last),
    .tx_ready(tx_ready), .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready));

  // ---------------------------------------------------------------------------------------
  // Registers
  reg [6:0]  state_q;
  reg [6:0]  ret_q;
  reg [7:0]  hdr_q [0:8];  // request bytes 0..8 (frame bytes 1..9)
  reg [3:0]  hk_q;
  reg [7:0]  tag_q;        // frame byte 0: echoed as byte 0 of every answer frame
  reg        tag_pend_q;   // the next byte to the frame encoder starts a frame: send tag_q
  reg [9:0]  len_q;
  reg        err_pend_q;
  reg [1:0]  err_code_q;
  reg [7:0]  sb_q [0:13];
  reg [3:0]  sb_len_q;
  reg [3:0]  sb_idx_q;
  reg [7:0]  tb_q;
  reg        tlast_q;
  reg [15:0] cnt_q;     // items in the current command
  reg [15:0] k_q;       // item counter
  reg [9:0]  idx_q;     // current neuron / source / destination index
  reg [8:0]  pa_q;      // payload byte address
  reg [7:0]  lo_q;
  reg [13:0] clr_q;
  reg [15:0] steps_q;
  reg [31:0] t_q;
  reg [9:0]  s_q;       // source in the source pass
  reg [8:0]  n_q;       // neuron in the neuron pass

  reg [7:0]  k_pre_q, inc_pre_q, k_post_q, inc_post_q, a_plus_q, a_minus_q, w_min_q, w_max_q;

  reg [7:0]  x_q;
  reg        en_q;
  reg        ev_q;

  reg [15:0] v_q, u_q, i_q, inew_q, diff_q;
  reg [7:0]  refr_q;
  // dep (bits 14:8) is recomputed from the new trace, never read back here.
  /* verilator lint_off UNUSEDSIGNAL */
  reg [15:0] post_q;
  /* verilator lint_on UNUSEDSIGNAL */
  // 24 bits hold every intermediate exactly: |in| < 2^19, the Izhikevich sum < 2^20 and
  // (b*v >>> 8) - u < 2^23 (docs/hardware.md bounds every term).
  reg [23:0] in_q, acc_q, kc_q;
  reg        spike_q;
  reg        half_q;

  // row / column pipeline
  reg [8:0]  jr_q;      // issue counter (row: word, column: source pair)
  reg        v1_q, v2_q, v3_q;
  reg [8:0]  j1_q, j2_q, j3_q;
  reg [15:0] w2_q, ie2_q, io2_q;
  // Rows and columns use only the enable and the STDP amount of a trace word, not the trace.
  /* verilator lint_off UNUSEDSIGNAL */
  reg [15:0] pe2_q, po2_q;
  /* verilator lint_on UNUSEDSIGNAL */
  // Learning on a weight pair: stage 2 holds the signed amounts a (-dep or +pot) and the
  // bounds shifted by them, so clamp(w + a, lo, hi) needs only parallel compares of w with
  // lo - a and hi - a beside the add (no add-then-compare chain in one cycle).
  reg [7:0]  a_lo2_q, a_hi2_q;
  reg [9:0]  blo_lo2_q, bhi_lo2_q, blo_hi2_q, bhi_hi2_q;
  reg        l_lo2_q, l_hi2_q;   // row: this synapse learns (both enables set)
  reg [15:0] nw3_q, nie3_q, nio3_q;
  reg        wa3_q, wb3_q;

  wire [2:0] slot = t_q[2:0];
  wire [7:0] op = hdr_q[0];

  // ---------------------------------------------------------------------------------------
  // Memories
  wire [15:0] par_rd [0:7];
  reg  [7:0]  par_ra;
  reg  [7:0]  par_wa;
  reg  [15:0] par_wd;
  reg  [7:0]  par_we;

  genvar g;
  generate
    for (g = 0; g < 8; g = g + 1) begin : g_par
      sf_core_ram #(.W(16), .DEPTH(N), .AW(8)) u_par (
        .clk(clk), .we(par_we[g]), .waddr(par_wa), .wdata(par_wd), .raddr(par_ra),
        .rdata(par_rd[g]));
    end
  endgenerate

  reg  [7:0]  nr_ra, nr_wa;          // per-neuron RAMs (v, u, nst)
  reg  [15:0] v_wd, u_wd;
  reg  [8:0]  nst_wd;
  reg         v_we, u_we, nst_we;
  wire [15:0] v_rd, u_rd;
  wire [8:0]  nst_rd;
  sf_core_ram #(.W(16), .DEPTH(N), .AW(8)) u_v (
    .clk(clk), .we(v_we), .waddr(nr_wa), .wdata(v_wd), .raddr(nr_ra), .rdata(v_rd));
  sf_core_ram #(.W(16), .DEPTH(N), .AW(8)) u_u (
    .clk(clk), .we(u_we), .waddr(nr_wa), .wdata(u_wd), .raddr(nr_ra), .rdata(u_rd));
  sf_core_ram #(.W(9), .DEPTH(N), .AW(8)) u_nst (
    .clk(clk), .we(nst_we), .waddr(nr_wa), .wdata(nst_wd), .raddr(nr_ra), .rdata(nst_rd));

  reg  [6:0]  hb_ra, hb_wa;          // neuron-pair banked RAMs (I, post)
  reg  [15:0] ie_wd, io_wd, poe_wd, poo_wd;
  reg         ie_we, io_we, poe_we, poo_we;
  wire [15:0] ie_rd, io_rd, poe_rd, poo_rd;
  sf_core_ram #(.W(16), .DEPTH(NH), .AW(7)) u_ie (
    .clk(clk), .we(ie_we), .waddr(hb_wa), .wdata(ie_wd), .raddr(hb_ra), .rdata(ie_rd));
  sf_core_ram #(.W(16), .DEPTH(NH), .AW(7)) u_io (
    .clk(clk), .we(io_we), .waddr(hb_wa), .wdata(io_wd), .raddr(hb_ra), .rdata(io_rd));
  sf_core_ram #(.W(16), .DEPTH(NH), .AW(7)) u_poe (
    .clk(clk), .we(poe_we), .waddr(hb_wa), .wdata(poe_wd), .raddr(hb_ra), .rdata(poe_rd));
  sf_core_ram #(.W(16), .DEPTH(NH), .AW(7)) u_poo (
    .clk(clk), .we(poo_we), .waddr(hb_wa), .wdata(poo_wd), .raddr(hb_ra), .rdata(poo_rd));

  reg  [7:0]  sb_ra, sb_wa;          // source-pair banked RAMs (pre)
  reg  [15:0] pre_wd;
  reg         pre_e_we, pre_o_we;
  wire [15:0] pre_e_rd, pre_o_rd;
  sf_core_ram #(.W(16), .DEPTH(NSH), .AW(8)) u_pre_e (
    .clk(clk), .we(pre_e_we), .waddr(sb_wa), .wdata(pre_wd), .raddr(sb_ra), .rdata(pre_e_rd));
  sf_core_ram #(.W(16), .DEPTH(NSH), .AW(8)) u_pre_o (
    .clk(clk), .we(pre_o_we), .waddr(sb_wa), .wdata(pre_wd), .raddr(sb_ra), .rdata(pre_o_rd));

  reg  [10:0] aq_ra, aq_wa;
  reg         aq_wd, aq_we;
  wire        aq_rd;
  sf_core_ram #(.W(1), .DEPTH(NSLOT * NA), .AW(11)) u_axq (
    .clk(clk), .we(aq_we), .waddr(aq_wa), .wdata(aq_wd), .raddr(aq_ra), .rdata(aq_rd));

  // Weight SPRAMs: up to two reads and two writes per cycle, never on the same bank.
  reg         rqa_en, rqb_en, wqa_en, wqb_en;
  reg  [1:0]  rqa_bank, rqb_bank, wqa_bank, wqb_bank;
  reg  [13:0] rqa_addr, rqb_addr, wqa_addr, wqb_addr;
  reg  [15:0] wqa_data, wqb_data;
  reg  [3:0]  wqa_mask, wqb_mask;
  wire [15:0] sp_rd [0:3];
  reg  [13:0] sp_addr [0:3];
  reg  [15:0] sp_wd [0:3];
  reg  [3:0]  sp_mask [0:3];
  reg  [3:0]  sp_we;

  // CLEAR with mask bit 1 writes zero to the same address of all four banks.
  wire clr_w = (state_q == S_CLR) && hdr_q[1][1];

  integer b;
  always @(*) begin
    for (b = 0; b < 4; b = b + 1) begin
      sp_we[b] = 1'b0;
      sp_wd[b] = wqa_data;
      sp_mask[b] = 4'hF;
      if (clr_w) begin
        sp_we[b] = 1'b1;
        sp_addr[b] = clr_q;
        sp_wd[b] = 16'd0;
      end else if (wqa_en && (wqa_bank == b[1:0])) begin
        sp_we[b] = 1'b1;
        sp_addr[b] = wqa_addr;
        sp_wd[b] = wqa_data;
        sp_mask[b] = wqa_mask;
      end else if (wqb_en && (wqb_bank == b[1:0])) begin
        sp_we[b] = 1'b1;
        sp_addr[b] = wqb_addr;
        sp_wd[b] = wqb_data;
        sp_mask[b] = wqb_mask;
      end else if (rqa_en && (rqa_bank == b[1:0])) begin
        sp_addr[b] = rqa_addr;
      end else if (rqb_en && (rqb_bank == b[1:0])) begin
        sp_addr[b] = rqb_addr;
      end else begin
        sp_addr[b] = rqa_addr;
      end
    end
  end

  generate
    for (g = 0; g < 4; g = g + 1) begin : g_spram
      sf_spram u_spram (
        .clk(clk), .addr(sp_addr[g]), .wdata(sp_wd[g]), .maskwe(sp_mask[g]), .we(sp_we[g]),
        .rdata(sp_rd[g]));
    end
  endgenerate

  // The one multiplier of the datapath (an SB_MAC16 on the board).
  reg  [15:0] mul_a_q, mul_b_q;  // operands registered: the DSP path is register to register
  // Every use of the product shifts right by at least 6 or takes bits 15:8.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] mul_p;
  /* verilator lint_on UNUSEDSIGNAL */
  sf_mul16 u_mul (.clk(clk), .a(mul_a_q), .b(mul_b_q), .p(mul_p));

  // Weight address of (source, word j): bank (j + s) mod 4, row base s * N/8, word j / 4.
  // j[1:0] selects the bank, not the address; the row base never exceeds 14 bits.
  /* verilator lint_off UNUSEDSIGNAL */
  function [13:0] w_addr;
    input [9:0] s;
    input [8:0] j;
    reg [23:0] full;
    begin
      full = ({14'd0, s} << RSH) | {17'd0, j[8:2]};
      w_addr = full[13:0];
    end
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */

  // ---------------------------------------------------------------------------------------
  // Decoded header fields
  wire [15:0] h12 = {hdr_q[2], hdr_q[1]};
  wire [15:0] h23 = {hdr_q[3], hdr_q[2]};
  wire [15:0] h34 = {hdr_q[4], hdr_q[3]};
  wire [15:0] h45 = {hdr_q[5], hdr_q[4]};
  wire [15:0] h56 = {hdr_q[6], hdr_q[5]};
  wire [7:0]  kind = hdr_q[1];
  wire [17:0] len18 = {8'd0, len_q};

  // Row / column words in flight
  wire [8:0]  jcol = {1'b0, n_q[8:1]};
  wire [1:0]  row_rbank = jr_q[1:0] + s_q[1:0];
  wire [1:0]  row_cbank = j1_q[1:0] + s_q[1:0];
  wire [1:0]  row_wbank = j3_q[1:0] + s_q[1:0];
  wire [1:0]  col_rbank = jcol[1:0] + {jr_q[0], 1'b0};
  wire [1:0]  col_cbank = jcol[1:0] + {j1_q[0], 1'b0};
  wire [1:0]  col_wbank = jcol[1:0] + {j3_q[0], 1'b0};
  wire        row_issue = jr_q < {1'b0, NH8};
  wire        col_issue = jr_q < NSH9;
  wire [15:0] row_w = sp_rd[row_cbank];
  wire [15:0] col_wa_word = sp_rd[col_cbank];
  wire [15:0] col_wb_word = sp_rd[col_cbank + 2'd1];
  wire [7:0]  col_wa = n_q[0] ? col_wa_word[15:8] : col_wa_word[7:0];
  wire [7:0]  col_wb = n_q[0] ? col_wb_word[15:8] : col_wb_word[7:0];
  wire [3:0]  col_mask = n_q[0] ? 4'b1100 : 4'b0011;

  wire [1:0]  rw_bank = idx_q[2:1] + hdr_q[1][1:0];
  wire [15:0] rw_word = sp_rd[rw_bank];
  wire [23:0] vx24 = {{8{v_q[15]}}, v_q};
  wire [23:0] ux24 = {{8{u_q[15]}}, u_q};
  wire [15:0] v_sat = sat16_24(acc_q);

  // The word READ_STATE returns for idx_q
  reg [15:0] rs_word;
  always @(*) begin
    case (kind)
      8'd0: rs_word = v_rd;
      8'd1: rs_word = u_rd;
      8'd2: rs_word = idx_q[0] ? io_rd : ie_rd;
      8'd3: rs_word = {7'd0, nst_rd};
      8'd4: rs_word = idx_q[0] ? poo_rd : poe_rd;
      8'd5: rs_word = idx_q[0] ? pre_o_rd : pre_e_rd;
      default: rs_word = par_rd[kind[2:0]];
    endcase
  end

  // Stage 1 -> 2 amounts: a row depresses by dep where both enables are set (else 0),
  // a column potentiates by pot (its writes are gated by pre_en).
  wire [9:0]  row_a_lo = (en_q && poe_rd[15]) ? (10'd0 - {3'd0, poe_rd[14:8]}) : 10'd0;
  wire [9:0]  row_a_hi = (en_q && poo_rd[15]) ? (10'd0 - {3'd0, poo_rd[14:8]}) : 10'd0;
  wire [9:0]  col_a_lo = {3'd0, pre_e_rd[14:8]};
  wire [9:0]  col_a_hi = {3'd0, pre_o_rd[14:8]};
  wire [9:0]  w_lo10 = {{2{w_min_q[7]}}, w_min_q};
  wire [9:0]  w_hi10 = {{2{w_max_q[7]}}, w_max_q};
  wire [7:0]  nw_lo = wstep(w2_q[7:0], a_lo2_q[7:0], blo_lo2_q, bhi_lo2_q, w_min_q, w_max_q);
  wire [7:0]  nw_hi = wstep(w2_q[15:8], a_hi2_q[7:0], blo_hi2_q, bhi_hi2_q, w_min_q, w_max_q);

  // Current pre word of the source pass
  // The old pot (bits 14:8) is recomputed from the new trace.
  /* verilator lint_off UNUSEDSIGNAL */
  wire [15:0] pre_cur = s_q[0] ? pre_o_rd : pre_e_rd;
  /* verilator lint_on UNUSEDSIGNAL */

  // Neuron-pass words
  // Parameter words come straight from the parameter RAMs: idx_q holds the neuron for the
  // whole of its update, so the read ports keep presenting its words.
  wire        izh = par_rd[0][0];
  wire [7:0]  t_ref = par_rd[0][15:8];

  // Trace decay of the source pass (the deliberately broken build rounds instead of flooring,
  // so the co-simulation test can prove that it sees a one-LSB trace difference).
`ifdef SF_BREAK_TRACE
  wire [8:0]  pre_decay_full = {1'b0, mul_p[15:8]} + {8'd0, mul_p[7]};
  wire [7:0]  pre_decay = pre_decay_full[8] ? 8'hFF : pre_decay_full[7:0];
`else
  wire [7:0]  pre_decay = mul_p[15:8];
`endif
  wire [7:0]  x_new = tsat(pre_decay, ev_q ? inc_pre_q : 8'd0);
  wire [7:0]  xpost_new = tsat(mul_p[15:8], spike_q ? inc_post_q : 8'd0);

  // ---------------------------------------------------------------------------------------
  // Combinational control of memories, multiplier and the tx stream
  always @(*) begin
    rd_addr = pa_q;
    tx_data = tb_q;
    tx_valid = 1'b0;
    tx_last = 1'b0;
    par_ra = idx_q[7:0];
    par_wa = idx_q[7:0];
    par_wd = {rd_data, lo_q};
    par_we = 8'd0;
    nr_ra = idx_q[7:0];
    nr_wa = idx_q[7:0];
    v_wd = {rd_data, lo_q};
    u_wd = {rd_data, lo_q};
    nst_wd = {rd_data[0], lo_q};
    v_we = 1'b0;
    u_we = 1'b0;
    nst_we = 1'b0;
    hb_ra = idx_q[7:1];
    hb_wa = idx_q[7:1];
    ie_wd = {rd_data, lo_q};
    io_wd = {rd_data, lo_q};
    poe_wd = 16'd0;
    poo_wd = 16'd0;
    ie_we = 1'b0;
    io_we = 1'b0;
    poe_we = 1'b0;
    poo_we = 1'b0;
    sb_ra = idx_q[8:1];
    sb_wa = idx_q[8:1];
    pre_wd = 16'd0;
    pre_e_we = 1'b0;
    pre_o_we = 1'b0;
    aq_ra = {8'd0, slot} * NA16[10:0] + {1'b0, s_q} - {1'b0, N16[9:0]};
    aq_wa = aq_ra;
    aq_wd = 1'b0;
    aq_we = 1'b0;
    rqa_en = 1'b0;
    rqb_en = 1'b0;
    wqa_en = 1'b0;
    wqb_en = 1'b0;
    rqa_bank = 2'd0;
    rqb_bank = 2'd0;
    wqa_bank = 2'd0;
    wqb_bank = 2'd0;
    rqa_addr = 14'd0;
    rqb_addr = 14'd0;
    wqa_addr = 14'd0;
    wqb_addr = 14'd0;
    wqa_data = 16'd0;
    wqb_data = 16'd0;
    wqa_mask = 4'hF;
    wqb_mask = 4'hF;

    case (state_q)
      S_SENDBUF: begin
        tx_data = tag_pend_q ? tag_q : sb_q[sb_idx_q];
        tx_valid = 1'b1;
        tx_last = !tag_pend_q && (sb_idx_q == sb_len_q - 4'd1) && tlast_q;
      end
      S_SEND1: begin
        tx_data = tag_pend_q ? tag_q : tb_q;
        tx_valid = 1'b1;
        tx_last = !tag_pend_q && tlast_q;
      end
      S_WW_WR: begin  // weight byte from the payload into its half of a word
        wqa_en = 1'b1;
        wqa_bank = idx_q[2:1] + hdr_q[1][1:0];
        wqa_addr = w_addr(h12[9:0], {1'b0, idx_q[8:1]});
        wqa_data = {rd_data, rd_data};
        wqa_mask = idx_q[0] ? 4'b1100 : 4'b0011;
      end
      S_RW_RD: begin
        rqa_en = 1'b1;
        rqa_bank = idx_q[2:1] + hdr_q[1][1:0];
        rqa_addr = w_addr(h12[9:0], {1'b0, idx_q[8:1]});
      end
      S_W16_C: begin  // 16-bit word complete: lo_q and rd_data
        if (op == OP_WP) begin
          par_wa = idx_q[7:0];
          par_we[k_q[2:0]] = 1'b1;
        end else begin
          case (kind[1:0])
            2'd0: v_we = 1'b1;
            2'd1: u_we = 1'b1;
            2'd2: begin ie_we = !idx_q[0]; io_we = idx_q[0]; end
            default: nst_we = 1'b1;
          endcase
        end
      end
      S_WL_B: begin  // enable bit into bit 15 of the trace word, rest kept
        if (kind[0] == 1'b0) begin
          pre_wd = {rd_data[0], idx_q[0] ? pre_o_rd[14:0] : pre_e_rd[14:0]};
          pre_e_we = !idx_q[0];
          pre_o_we = idx_q[0];
        end else begin
          poe_wd = {rd_data[0], poe_rd[14:0]};
          poo_wd = {rd_data[0], poo_rd[14:0]};
          poe_we = !idx_q[0];
          poo_we = idx_q[0];
        end
      end
      S_IN_WB: begin
        aq_wa = {8'd0, slot + hdr_q[1][2:0]} * NA16[10:0] + {3'd0, rd_data};
        aq_wd = 1'b1;
        aq_we = 1'b1;
      end
      S_CLR: begin
        par_wa = clr_q[7:0];
        nr_wa = clr_q[7:0];
        hb_wa = clr_q[6:0];
        sb_wa = clr_q[7:0];
        aq_wa = clr_q[10:0];
        if (hdr_q[1][2] && clr_q < N14) par_we = 8'hFF;
        if (hdr_q[1][0]) begin
          if (clr_q < N14) begin
            v_we = 1'b1;
            u_we = 1'b1;
            nst_we = 1'b1;
          end
          if (clr_q < NH14) begin
            ie_we = 1'b1;
            io_we = 1'b1;
            poe_we = 1'b1;
            poo_we = 1'b1;
          end
          if (clr_q < NSH14) begin
            pre_e_we = 1'b1;
            pre_o_we = 1'b1;
          end
          if (clr_q < AQ14) aq_we = 1'b1;
        end
        par_wd = 16'd0;
        v_wd = 16'd0;
        u_wd = 16'd0;
        nst_wd = 9'd0;
        ie_wd = 16'd0;
        io_wd = 16'd0;
      end
      S_P1_A: begin
        nr_ra = s_q[7:0];
        sb_ra = s_q[8:1];
      end
      S_P1_B: aq_we = !(s_q < {1'b0, N9});
      S_P1_E: begin
        sb_wa = s_q[8:1];
        pre_wd = {en_q, amt(mul_p[15:8]), x_q};
        pre_e_we = !s_q[0];
        pre_o_we = s_q[0];
      end
      S_ROW: begin
        rqa_en = row_issue;
        rqa_bank = row_rbank;
        rqa_addr = w_addr(s_q, jr_q);
        hb_ra = jr_q[6:0];
        hb_wa = j3_q[6:0];
        ie_wd = nie3_q;
        io_wd = nio3_q;
        ie_we = v3_q;
        io_we = v3_q;
        wqa_en = v3_q && en_q;
        wqa_bank = row_wbank;
        wqa_addr = w_addr(s_q, j3_q);
        wqa_data = nw3_q;
        wqa_mask = 4'hF;
      end
      S_NP_A: begin
        par_ra = n_q[7:0];
        nr_ra = n_q[7:0];
        hb_ra = n_q[7:1];
      end
      S_T4: begin
        nr_wa = n_q[7:0];
        hb_wa = n_q[7:1];
        v_wd = v_q;
        u_wd = u_q;
        nst_wd = {spike_q, refr_q};
        v_we = 1'b1;
        u_we = 1'b1;
        nst_we = 1'b1;
        ie_wd = inew_q;
        io_wd = inew_q;
        ie_we = !n_q[0];
        io_we = n_q[0];
        poe_wd = {post_q[15], amt(mul_p[15:8]), post_q[7:0]};
        poo_wd = {post_q[15], amt(mul_p[15:8]), post_q[7:0]};
        poe_we = !n_q[0];
        poo_we = n_q[0];
      end
      S_COL: begin
        sb_ra = jr_q[7:0];
        rqa_en = col_issue;
        rqa_bank = col_rbank;
        rqa_addr = w_addr({jr_q, 1'b0}, jcol);
        rqb_en = col_issue;
        rqb_bank = col_rbank + 2'd1;
        rqb_addr = w_addr({jr_q, 1'b1}, jcol);
        wqa_en = v3_q && wa3_q;
        wqa_bank = col_wbank;
        wqa_addr = w_addr({j3_q, 1'b0}, jcol);
        wqa_data = {nw3_q[7:0], nw3_q[7:0]};
        wqa_mask = col_mask;
        wqb_en = v3_q && wb3_q;
        wqb_bank = col_wbank + 2'd1;
        wqb_addr = w_addr({j3_q, 1'b1}, jcol);
        wqb_data = {nw3_q[15:8], nw3_q[15:8]};
        wqb_mask = col_mask;
      end
      S_RS_A: begin
        nr_ra = idx_q[7:0];
        par_ra = idx_q[7:0];
        hb_ra = idx_q[7:1];
        sb_ra = idx_q[8:1];
      end
      default: begin
      end
    endcase
  end

  assign frame_done = state_q == S_FINISH;

  // ---------------------------------------------------------------------------------------
  // Dispatch: opcode, then length, then arguments (the order the protocol document gives).
  // Two registered stages keep the header checks off the critical path: CHK1 forms the length
  // verdict, one range sum and the simple argument flags; CHK2 compares the sum with its limit.
  reg        c_len_bad, c_known, c_arg_bad, c_uses_sum, c_lim_ns;
  reg [17:0] c_sum_a, c_sum_b;
  reg [6:0]  d_next;
  always @(*) begin
    c_known = 1'b1;
    c_len_bad = 1'b0;
    c_arg_bad = 1'b0;
    c_uses_sum = 1'b0;
    c_lim_ns = 1'b0;
    c_sum_a = 18'd0;
    c_sum_b = 18'd0;
    d_next = S_FINISH;
    case (op)
      OP_HELLO: begin
        c_len_bad = len_q != 10'd1;
        d_next = S_SENDBUF;
      end
      OP_WW: begin
        c_len_bad = len_q < 10'd6;
        c_arg_bad = {2'd0, h12} >= NS18;
        c_uses_sum = 1'b1;
        c_sum_a = {2'd0, h34};
        c_sum_b = len18 - 18'd5;
        d_next = S_WW_RD;
      end
      OP_RW: begin
        c_len_bad = len_q != 10'd7;
        c_arg_bad = {2'd0, h12} >= NS18 || h56 == 16'd0 || h56 > 16'd256;
        c_uses_sum = 1'b1;
        c_sum_a = {2'd0, h34};
        c_sum_b = {2'd0, h56};
        d_next = S_SENDBUF;
      end
      OP_WP: begin
        c_len_bad = len_q < 10'd19 || len_q[3:0] != 4'd3;
        c_uses_sum = 1'b1;
        c_sum_a = {2'd0, h12};
        c_sum_b = {12'd0, len_q[9:4]};
        d_next = S_W16_A;
      end
      OP_WS: begin
        c_len_bad = len_q < 10'd6 || len_q[0];
        c_arg_bad = kind > 8'd3;
        c_uses_sum = 1'b1;
        c_sum_a = {2'd0, h23};
        c_sum_b = {9'd0, len_q[9:1]} - 18'd2;
        d_next = S_W16_A;
      end
      OP_WL: begin
        c_len_bad = len_q < 10'd5;
        c_arg_bad = kind > 8'd1;
        c_uses_sum = 1'b1;
        c_lim_ns = !kind[0];
        c_sum_a = {2'd0, h23};
        c_sum_b = len18 - 18'd4;
        d_next = S_WL_A;
      end
      OP_STDP: begin
        c_len_bad = len_q != 10'd9;
        c_arg_bad = $signed(hdr_q[7]) > $signed(hdr_q[8]);
        d_next = S_SENDBUF;
      end
      OP_INPUT: begin
        c_len_bad = len_q < 10'd2;
        c_arg_bad = hdr_q[1] >= NSLOT;
        d_next = S_IN_CA;
      end
      OP_STEP: begin
        c_len_bad = len_q != 10'd3;
        c_arg_bad = h12 == 16'd0;
        d_next = S_ST_BEGIN;
      end
      OP_RS: begin
        c_len_bad = len_q != 10'd6;
        c_arg_bad = (kind > 8'd5 && kind < 8'd8) || kind > 8'd15 || h45 == 16'd0 || h45 > 16'd254;
        c_uses_sum = 1'b1;
        c_lim_ns = kind == 8'd5;
        c_sum_a = {2'd0, h23};
        c_sum_b = {2'd0, h45};
        d_next = S_SENDBUF;
      end
      OP_CLEAR: begin
        c_len_bad = len_q != 10'd2;
        c_arg_bad = hdr_q[1] > 8'd7;
        d_next = S_CLR;
      end
      default: c_known = 1'b0;
    endcase
  end

  reg        k_known_q, k_len_bad_q, k_arg_bad_q, k_uses_sum_q, k_lim_ns_q;
  reg [17:0] k_sum_q;
  reg [7:0]  d_nak_q;

  // ---------------------------------------------------------------------------------------
  // Sequential part
  always @(posedge clk) begin
    if (rst) begin
      state_q <= S_IDLE;
      ret_q <= S_IDLE;
      err_pend_q <= 1'b0;
      err_code_q <= 2'd0;
      hk_q <= 4'd0;
      tag_q <= 8'd0;
      tag_pend_q <= 1'b1;
      pa_q <= 9'd0;
      t_q <= 32'd0;
      v1_q <= 1'b0;
      v2_q <= 1'b0;
      v3_q <= 1'b0;
      k_pre_q <= 8'd0;
      inc_pre_q <= 8'd0;
      k_post_q <= 8'd0;
      inc_post_q <= 8'd0;
      a_plus_q <= 8'd0;
      a_minus_q <= 8'd0;
      w_min_q <= 8'h80;
      w_max_q <= 8'h7F;
    end else begin
      if (err_valid) begin
        err_pend_q <= 1'b1;
        err_code_q <= err_code;
      end
      case (state_q)
        S_IDLE: begin
          if (err_pend_q && !err_valid) begin
            err_pend_q <= 1'b0;
            tag_q <= 8'd0;  // the link-error tag: no request carries it
            sb_q[0] <= R_NAK;
            sb_q[1] <= {6'd0, err_code_q};
            sb_q[2] <= 8'd0;
            sb_len_q <= 4'd3;
            sb_idx_q <= 4'd0;
            tlast_q <= 1'b1;
            ret_q <= S_IDLE;
            state_q <= S_SENDBUF;
          end else if (frame_valid) begin
            len_q <= frame_len - 10'd1;  // the request after its tag
            hk_q <= 4'd0;
            pa_q <= 9'd0;
            state_q <= S_HDR;
          end
        end
        S_HDR: begin
          // Byte k is requested in one cycle and arrives in the next. A frame with a tag and no
          // request reads as opcode 0.
          if (hk_q == 4'd1) tag_q <= rd_data;
          if (hk_q == 4'd2) hdr_q[0] <= (len_q == 10'd0) ? 8'd0 : rd_data;
          else if (hk_q > 4'd2) hdr_q[hk_q - 4'd2] <= rd_data;
          pa_q <= pa_q + 9'd1;
          hk_q <= hk_q + 4'd1;
          if (hk_q == 4'd10) state_q <= S_CHK1;
        end
        S_CHK1: begin
          k_known_q <= c_known || len_q == 10'd0;  // no opcode: NAK 5, op 0
          k_len_bad_q <= c_len_bad || len_q == 10'd0;
          k_arg_bad_q <= c_arg_bad;
          k_uses_sum_q <= c_uses_sum;
          k_lim_ns_q <= c_lim_ns;
          k_sum_q <= c_sum_a + c_sum_b;
          state_q <= S_CHK2;
        end
        S_CHK2: begin
          if (!k_known_q) d_nak_q <= NAK_OPCODE;
          else if (k_len_bad_q) d_nak_q <= NAK_LENGTH;
          else if (k_arg_bad_q || (k_uses_sum_q && k_sum_q > (k_lim_ns_q ? NS18 : N18))) d_nak_q <= NAK_ARG;
          else d_nak_q <= 8'd0;
          state_q <= S_DISP;
        end
        S_DISP: begin
          sb_idx_q <= 4'd0;
          tlast_q <= 1'b1;
          ret_q <= S_FINISH;
          k_q <= 16'd0;
          if (d_nak_q != 8'd0) begin
            sb_q[0] <= R_NAK;
            sb_q[1] <= d_nak_q;
            sb_q[2] <= op;
            sb_len_q <= 4'd3;
            state_q <= S_SENDBUF;
          end else begin
            state_q <= d_next;
            sb_q[0] <= R_ACK;
            sb_q[1] <= op;
            sb_len_q <= 4'd2;
            case (op)
              OP_HELLO: begin
                sb_q[0] <= R_INFO;
                sb_q[1] <= VERSION;
                sb_q[2] <= N16[7:0];
                sb_q[3] <= N16[15:8];
                sb_q[4] <= NA16[7:0];
                sb_q[5] <= NA16[15:8];
                sb_q[6] <= NSLOT;
                sb_q[7] <= 8'd8;
                sb_q[8] <= 8'h00;
                sb_q[9] <= 8'h02;
                sb_q[10] <= WEIGHT_BYTES[7:0];
                sb_q[11] <= WEIGHT_BYTES[15:8];
                sb_q[12] <= WEIGHT_BYTES[23:16];
                sb_q[13] <= WEIGHT_BYTES[31:24];
                sb_len_q <= 4'd14;
              end
              OP_WW: begin
                idx_q <= h34[9:0];
                cnt_q <= {6'd0, len_q} - 16'd5;
                pa_q <= 9'd6;
              end
              OP_RW: begin
                sb_q[0] <= R_WEIGHTS;
                sb_len_q <= 4'd1;
                tlast_q <= 1'b0;
                ret_q <= S_RW_RD;
                idx_q <= h34[9:0];
                cnt_q <= h56;
              end
              OP_WP: begin
                idx_q <= h12[9:0];
                cnt_q <= {7'd0, len_q[9:1]} - 16'd1;  // 16-bit words in the body
                pa_q <= 9'd4;
              end
              OP_WS: begin
                idx_q <= h23[9:0];
                cnt_q <= {7'd0, len_q[9:1]} - 16'd2;
                pa_q <= 9'd5;
              end
              OP_WL: begin
                idx_q <= h23[9:0];
                cnt_q <= {6'd0, len_q} - 16'd4;
                pa_q <= 9'd5;
              end
              OP_STDP: begin
                k_pre_q <= hdr_q[1];
                inc_pre_q <= hdr_q[2];
                k_post_q <= hdr_q[3];
                inc_post_q <= hdr_q[4];
                a_plus_q <= hdr_q[5];
                a_minus_q <= hdr_q[6];
                w_min_q <= hdr_q[7];
                w_max_q <= hdr_q[8];
              end
              OP_INPUT: begin
                cnt_q <= {6'd0, len_q} - 16'd2;
                pa_q <= 9'd3;
              end
              OP_STEP: begin
                steps_q <= h12;
              end
              OP_RS: begin
                sb_q[0] <= R_STATE;
                sb_len_q <= 4'd1;
                tlast_q <= 1'b0;
                ret_q <= S_RS_A;
                idx_q <= h23[9:0];
                cnt_q <= h45;
              end
              OP_CLEAR: begin
                clr_q <= 14'd0;
              end
              default: begin
              end
            endcase
          end
        end
        S_SENDBUF: begin
          if (tx_ready && !tag_pend_q) begin
            sb_idx_q <= sb_idx_q + 4'd1;
            if (sb_idx_q == sb_len_q - 4'd1) state_q <= ret_q;
          end
        end
        S_SEND1: begin
          if (tx_ready && !tag_pend_q) state_q <= ret_q;
        end
        S_FINISH: state_q <= S_IDLE;

        // ---- WRITE_WEIGHTS: byte k at payload 5 + k goes to w[src][dst0 + k]
        S_WW_RD: state_q <= S_WW_WR;
        S_WW_WR: begin
          pa_q <= pa_q + 9'd1;
          idx_q <= idx_q + 10'd1;
          k_q <= k_q + 16'd1;
          if (k_q + 16'd1 == cnt_q) state_q <= S_SENDBUF;
          else state_q <= S_WW_RD;
        end

        // ---- READ_WEIGHTS
        S_RW_RD: state_q <= S_RW_CAP;
        S_RW_CAP: begin
          tb_q <= idx_q[0] ? rw_word[15:8] : rw_word[7:0];
          tlast_q <= k_q + 16'd1 == cnt_q;
          ret_q <= (k_q + 16'd1 == cnt_q) ? S_FINISH : S_RW_RD;
          idx_q <= idx_q + 10'd1;
          k_q <= k_q + 16'd1;
          state_q <= S_SEND1;
        end

        // ---- WRITE_PARAMS / WRITE_STATE: 16-bit little-endian words from the payload
        S_W16_A: begin
          pa_q <= pa_q + 9'd1;
          state_q <= S_W16_B;
        end
        S_W16_B: begin
          pa_q <= pa_q + 9'd1;
          state_q <= S_W16_C;
        end
        S_W16_C: begin
          // lo_q holds the low byte captured in S_W16_C's predecessor; see the capture below.
          k_q <= k_q + 16'd1;
          if (op == OP_WP) begin
            if (k_q[2:0] == 3'd7) idx_q <= idx_q + 10'd1;
          end else begin
            idx_q <= idx_q + 10'd1;
          end
          if (k_q + 16'd1 == cnt_q) state_q <= S_SENDBUF;
          else state_q <= S_W16_A;
        end

        // ---- WRITE_LEARN: read-modify-write of bit 15 of the trace word
        S_WL_A: begin
          state_q <= S_WL_B;
        end
        S_WL_B: begin
          pa_q <= pa_q + 9'd1;
          idx_q <= idx_q + 10'd1;
          k_q <= k_q + 16'd1;
          if (k_q + 16'd1 == cnt_q) state_q <= S_SENDBUF;
          else state_q <= S_WL_A;
        end

        // ---- INPUT: check every axon first, then queue them
        S_IN_CA: begin
          if (k_q == cnt_q) begin
            k_q <= 16'd0;
            pa_q <= 9'd3;
            state_q <= (cnt_q == 16'd0) ? S_SENDBUF : S_IN_WA;
          end else begin
            state_q <= S_IN_CB;
          end
        end
        S_IN_CB: begin
          if ({8'd0, rd_data} >= NA16) begin
            sb_q[0] <= R_NAK;
            sb_q[1] <= NAK_ARG;
            sb_q[2] <= op;
            sb_len_q <= 4'd3;
            state_q <= S_SENDBUF;
          end else begin
            pa_q <= pa_q + 9'd1;
            k_q <= k_q + 16'd1;
            state_q <= S_IN_CA;
          end
        end
        S_IN_WA: state_q <= S_IN_WB;
        S_IN_WB: begin
          pa_q <= pa_q + 9'd1;
          k_q <= k_q + 16'd1;
          if (k_q + 16'd1 == cnt_q) state_q <= S_SENDBUF;
          else state_q <= S_IN_WA;
        end

        // ---- READ_STATE
        S_RS_A: state_q <= S_RS_B;
        S_RS_B: begin
          // Low byte goes out now, the high byte waits in lo_q.
          tb_q <= rs_word[7:0];
          lo_q <= rs_word[15:8];
          tlast_q <= 1'b0;
          ret_q <= S_RS_HI;
          state_q <= S_SEND1;
        end
        S_RS_HI: begin
          tb_q <= lo_q;
          tlast_q <= k_q + 16'd1 == cnt_q;
          ret_q <= (k_q + 16'd1 == cnt_q) ? S_FINISH : S_RS_A;
          idx_q <= idx_q + 10'd1;
          k_q <= k_q + 16'd1;
          state_q <= S_SEND1;
        end

        // ---- CLEAR
        S_CLR: begin
          clr_q <= clr_q + 14'd1;
          if (clr_q == 14'h3FFF) begin
            if (hdr_q[1][0]) t_q <= 32'd0;
            state_q <= S_SENDBUF;
          end
        end

        // ---- STEP
        S_ST_BEGIN: begin
          s_q <= 10'd0;
          state_q <= S_P1_A;
        end
        S_P1_A: state_q <= S_P1_B;
        S_P1_B: begin
          en_q <= pre_cur[15];
          ev_q <= (s_q < {1'b0, N9}) ? nst_rd[8] : aq_rd;
          mul_a_q <= {8'd0, pre_cur[7:0]};
          mul_b_q <= {8'd0, k_pre_q};
          state_q <= S_P1_W;
        end
        S_P1_W: state_q <= S_P1_C;
        S_P1_C: begin
          x_q <= x_new;
          mul_a_q <= {8'd0, x_new};
          mul_b_q <= {8'd0, a_plus_q};
          state_q <= S_P1_D;
        end
        S_P1_D: state_q <= S_P1_E;
        S_P1_E: begin
          jr_q <= 9'd0;
          if (ev_q) begin
            state_q <= S_ROW;
          end else if (s_q + 10'd1 == NS10) begin
            state_q <= S_NP_BEGIN;
          end else begin
            s_q <= s_q + 10'd1;
            state_q <= S_P1_A;
          end
        end
        S_ROW: begin
          // stage 0 -> 1
          if (row_issue) jr_q <= jr_q + 9'd1;
          v1_q <= row_issue;
          j1_q <= jr_q;
          // stage 1 -> 2: weights and the targets' currents and post words arrive
          v2_q <= v1_q;
          j2_q <= j1_q;
          w2_q <= row_w;
          ie2_q <= ie_rd;
          io2_q <= io_rd;
          pe2_q <= poe_rd;
          po2_q <= poo_rd;
          a_lo2_q <= row_a_lo[7:0];
          a_hi2_q <= row_a_hi[7:0];
          l_lo2_q <= en_q && poe_rd[15];
          l_hi2_q <= en_q && poo_rd[15];
          blo_lo2_q <= w_lo10 - row_a_lo;
          bhi_lo2_q <= w_hi10 - row_a_lo;
          blo_hi2_q <= w_lo10 - row_a_hi;
          bhi_hi2_q <= w_hi10 - row_a_hi;
          // stage 2 -> 3: delivery and depression
          v3_q <= v2_q;
          j3_q <= j2_q;
          nie3_q <= sat17({ie2_q[15], ie2_q} + {{9{w2_q[7]}}, w2_q[7:0]});
          nio3_q <= sat17({io2_q[15], io2_q} + {{9{w2_q[15]}}, w2_q[15:8]});
          nw3_q <= {l_hi2_q ? nw_hi : w2_q[15:8], l_lo2_q ? nw_lo : w2_q[7:0]};
          if (!row_issue && !v1_q && !v2_q && !v3_q) begin
            if (s_q + 10'd1 == NS10) begin
              state_q <= S_NP_BEGIN;
            end else begin
              s_q <= s_q + 10'd1;
              state_q <= S_P1_A;
            end
          end
        end

        S_NP_BEGIN: begin
          n_q <= 9'd0;
          idx_q <= 10'd0;
          tb_q <= R_SPIKES;
          tlast_q <= 1'b0;
          ret_q <= S_NP_A;
          state_q <= S_SEND1;
        end
        S_NP_A: state_q <= S_NP_B;
        S_NP_B: begin
          v_q <= v_rd;
          u_q <= u_rd;
          i_q <= n_q[0] ? io_rd : ie_rd;
          mul_a_q <= n_q[0] ? io_rd : ie_rd;
          mul_b_q <= par_rd[6];
          refr_q <= nst_rd[7:0];
          post_q <= n_q[0] ? poo_rd : poe_rd;
          spike_q <= 1'b0;
          half_q <= 1'b0;
          state_q <= S_C1;
        end
        S_C1: begin
          diff_q <= sat17({v_q[15], v_q} - {par_rd[3][15], par_rd[3]});
          mul_a_q <= i_q;
          mul_b_q <= par_rd[5];
          state_q <= S_C2;
        end
        S_C2: begin
          in_q <= {{4{mul_p[31]}}, mul_p[31:12]};
          state_q <= S_C3;
        end
        S_C3: begin
          inew_q <= mul_p[30:15];
          kc_q <= in_q + 24'd8960;
          mul_a_q <= izh ? v_q : diff_q;
          mul_b_q <= izh ? v_q : par_rd[4];
          state_q <= izh ? S_H1 : S_L1;
        end
        S_L1: begin
          acc_q <= {{8{par_rd[3][15]}}, par_rd[3]} + in_q;
          state_q <= S_L2;
        end
        S_L2: begin
          acc_q <= acc_q + {{7{mul_p[31]}}, mul_p[31:15]};
          state_q <= S_L3;
        end
        S_L3: begin
          diff_q <= v_sat;
          state_q <= S_L4;
        end
        S_L4: begin
          if (refr_q != 8'd0) begin
            refr_q <= refr_q - 8'd1;
          end else if ($signed(diff_q) >= $signed(par_rd[1])) begin
            spike_q <= 1'b1;
            v_q <= par_rd[2];
            refr_q <= t_ref;
          end else begin
            v_q <= diff_q;
          end
          mul_a_q <= {8'd0, post_q[7:0]};
          mul_b_q <= {8'd0, k_post_q};
          state_q <= S_T1;
        end
        S_H1: begin
          acc_q <= {vx24[21:0], 2'b00} + vx24;
          if (!half_q) kc_q <= kc_q - ux24;
          state_q <= S_H2;
        end
        S_H2: begin
          mul_a_q <= sat16({{10{mul_p[31]}}, mul_p[31:10]});
          mul_b_q <= 16'd41;
          acc_q <= acc_q + kc_q;
          state_q <= S_H3;
        end
        S_H3: state_q <= S_H4;
        S_H4: begin
          acc_q <= acc_q + mul_p[29:6];  // sq * 41 >= 0 and < 2^21: no sign to extend
          state_q <= S_H5;
        end
        S_H5: begin
          acc_q <= vx24 + {acc_q[23], acc_q[23:1]};
          state_q <= S_H6;
        end
        S_H6: begin
          v_q <= v_sat;
          half_q <= 1'b1;
          mul_a_q <= half_q ? par_rd[7] : v_sat;
          mul_b_q <= v_sat;
          state_q <= half_q ? S_B1 : S_H1;
        end
        S_B1: state_q <= S_B2;
        S_B2: begin
          acc_q <= mul_p[31:8] - ux24;
          state_q <= S_B2B;
        end
        S_B2B: begin
          mul_a_q <= par_rd[4];
          mul_b_q <= v_sat;
          state_q <= S_B3;
        end
        S_B3: state_q <= S_B4;
        S_B4: begin
          u_q <= sat17({u_q[15], u_q} + {mul_p[31], mul_p[31:16]});  // |a*diff >>> 16| < 2^14
          state_q <= S_B5;
        end
        S_B5: begin
          if ($signed(v_q) >= $signed(par_rd[1])) begin
            spike_q <= 1'b1;
            v_q <= par_rd[2];
            u_q <= sat17({u_q[15], u_q} + {par_rd[3][15], par_rd[3]});
          end
          mul_a_q <= {8'd0, post_q[7:0]};
          mul_b_q <= {8'd0, k_post_q};
          state_q <= S_T1;
        end
        S_T1: state_q <= S_T2;
        S_T2: begin
          post_q[7:0] <= xpost_new;
          mul_a_q <= {8'd0, xpost_new};
          mul_b_q <= {8'd0, a_minus_q};
          state_q <= S_T3;
        end
        S_T3: state_q <= S_T4;
        S_T4: begin
          jr_q <= 9'd0;
          if (spike_q) begin
            tb_q <= n_q[7:0];
            tlast_q <= 1'b0;
            ret_q <= post_q[15] ? S_COL : S_NP_NEXT;
            state_q <= S_SEND1;
          end else begin
            state_q <= S_NP_NEXT;
          end
        end
        S_COL: begin
          if (col_issue) jr_q <= jr_q + 9'd1;
          v1_q <= col_issue;
          j1_q <= jr_q;
          v2_q <= v1_q;
          j2_q <= j1_q;
          w2_q <= {col_wb, col_wa};
          pe2_q <= pre_e_rd;
          po2_q <= pre_o_rd;
          a_lo2_q <= col_a_lo[7:0];
          a_hi2_q <= col_a_hi[7:0];
          blo_lo2_q <= w_lo10 - col_a_lo;
          bhi_lo2_q <= w_hi10 - col_a_lo;
          blo_hi2_q <= w_lo10 - col_a_hi;
          bhi_hi2_q <= w_hi10 - col_a_hi;
          v3_q <= v2_q;
          j3_q <= j2_q;
          wa3_q <= pe2_q[15];
          wb3_q <= po2_q[15];
          nw3_q <= {nw_hi, nw_lo};
          if (!col_issue && !v1_q && !v2_q && !v3_q) state_q <= S_NP_NEXT;
        end
        S_NP_NEXT: begin
          if (n_q + 9'd1 == N9) begin
            state_q <= S_ST_END;
          end else begin
            n_q <= n_q + 9'd1;
            idx_q <= {1'b0, n_q + 9'd1};
            state_q <= S_NP_A;
          end
        end
        S_ST_END: begin
          sb_q[0] <= t_q[7:0];
          sb_q[1] <= t_q[15:8];
          sb_q[2] <= t_q[23:16];
          sb_q[3] <= t_q[31:24];
          sb_len_q <= 4'd4;
          sb_idx_q <= 4'd0;
          tlast_q <= 1'b1;
          ret_q <= S_ST_NEXT;
          state_q <= S_SENDBUF;
        end
        S_ST_NEXT: begin
          t_q <= t_q + 32'd1;
          steps_q <= steps_q - 16'd1;
          if (steps_q == 16'd1) state_q <= S_FINISH;
          else state_q <= S_ST_BEGIN;
        end
        default: state_q <= S_IDLE;
      endcase

      // Low byte of a 16-bit body word, captured one cycle after its address went out.
      if (state_q == S_W16_B) lo_q <= rd_data;
      // Every answer frame starts with the tag: after a frame's last byte the next one is due.
      if ((state_q == S_SENDBUF || state_q == S_SEND1) && tx_ready) tag_pend_q <= tx_last;
    end
  end
endmodule

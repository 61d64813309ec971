// Frame transmitter: appends CRC-16 to the core's payload, COBS-encodes it and closes the frame
// with 0x00; the output is byte-identical to spikeforge::hw::encode_frame().
//
// COBS needs to know a group's length before sending its code byte, so one group (at most 254
// bytes) is collected in a block RAM and then drained; tx_ready is low while it drains.
// A full group is sent only once more data or the end arrives, so a payload whose encoding
// ends on exactly 254 non-zero bytes gets no extra empty group (the canonical encoding).
// A group's code byte is always its byte count + 1 (a full group: 254 + 1 = 0xFF), so the
// count alone describes the group being drained.
// Payload bytes first land in a one-byte holding register, so the core's tx_data/tx_valid
// only reach flip-flop inputs here and never the encoder's decisions (timing isolation);
// tx_ready comes from flip-flops too. Throughput stays at one byte per clock while filling.
module sf_frame_tx #(
  // The transmitter streams and never buffers a whole payload, so the limit only keeps the
  // interface symmetric with sf_frame_rx.
  /* verilator lint_off UNUSEDPARAM */
  parameter MAX_PAYLOAD = 512
  /* verilator lint_on UNUSEDPARAM */
) (
  input  wire       clk,
  input  wire       rst,
  input  wire [7:0] tx_data,
  input  wire       tx_valid,
  input  wire       tx_last,
  output wire       tx_ready,
  output wire [7:0] out_data,
  output wire       out_valid,
  input  wire       out_ready
);

  localparam [1:0] M_FILL = 2'd0, M_CODE = 2'd1, M_DATA = 2'd2, M_DELIM = 2'd3;
  localparam [1:0] P_PAYLOAD = 2'd0, P_CRC_HI = 2'd1, P_CRC_LO = 2'd2, P_END = 2'd3;

  reg [7:0]  group_mem [0:255];
  reg [7:0]  group_rd_q;
  reg [1:0]  mode_q;
  reg [1:0]  phase_q;
  reg [7:0]  count_q;   // bytes collected in the current group (0..254)
  reg [7:0]  rd_idx_q;
  reg        final_q;   // the group being drained is the last of the frame
  reg [15:0] crc_q;
  reg        hold_q;    // holding register full
  reg [7:0]  hold_data_q;
  reg        hold_last_q;

  wire group_full = count_q == 8'd254;

  // The byte the encoder would take now: payload from the core, then the CRC, high byte first.
  reg  [7:0] src_byte;
  reg        src_valid;
  always @(*) begin
    case (phase_q)
      P_PAYLOAD: begin src_byte = hold_data_q; src_valid = hold_q;   end
      P_CRC_HI:  begin src_byte = crc_q[15:8]; src_valid = 1'b1;     end
      P_CRC_LO:  begin src_byte = crc_q[7:0];  src_valid = 1'b1;     end
      default:   begin src_byte = 8'h00;       src_valid = 1'b0;     end
    endcase
  end

  wire take      = (mode_q == M_FILL) && src_valid && !group_full;
  wire take_hold = take && (phase_q == P_PAYLOAD);
  wire accept    = tx_valid && (!hold_q || take_hold);

  wire [15:0] crc_next;
  sf_crc16 u_crc (.crc_in(crc_q), .data(hold_data_q), .crc_out(crc_next));

  always @(posedge clk) begin
    if (rst) begin
      hold_q      <= 1'b0;
      hold_data_q <= 8'h00;
      hold_last_q <= 1'b0;
    end else if (accept) begin
      hold_q      <= 1'b1;
      hold_data_q <= tx_data;
      hold_last_q <= tx_last;
    end else if (take_hold) begin
      hold_q <= 1'b0;
    end
  end

  wire       out_fire  = out_ready && (mode_q != M_FILL);
  wire [7:0] rd_next   = rd_idx_q + 8'd1;
  wire       last_data = rd_next == count_q;
  // Read address for the next cycle's group_rd_q: byte 0 while the code goes out, then
  // advance on every accepted data byte.
  wire [7:0] rd_sel = (mode_q == M_DATA) ? (out_fire ? rd_next : rd_idx_q) : 8'd0;

  always @(posedge clk) begin
    if (take && src_byte != 8'h00) group_mem[count_q] <= src_byte;
    group_rd_q <= group_mem[rd_sel];
  end

  always @(posedge clk) begin
    if (rst) begin
      mode_q   <= M_FILL;
      phase_q  <= P_PAYLOAD;
      count_q  <= 8'd0;
      rd_idx_q <= 8'd0;
      final_q  <= 1'b0;
      crc_q    <= 16'hFFFF;
    end else begin
      case (mode_q)
        M_FILL: begin
          if (take) begin
            case (phase_q)
              P_PAYLOAD: begin
                crc_q <= crc_next;
                if (hold_last_q) phase_q <= P_CRC_HI;
              end
              P_CRC_HI: phase_q <= P_CRC_LO;
              default:  phase_q <= P_END;
            endcase
            if (src_byte == 8'h00) begin
              mode_q <= M_CODE;
            end else begin
              count_q <= count_q + 8'd1;
            end
          end else if (group_full && (src_valid || phase_q == P_END)) begin
            mode_q  <= M_CODE;
            final_q <= phase_q == P_END;
          end else if (phase_q == P_END) begin
            mode_q  <= M_CODE;
            final_q <= 1'b1;
          end
        end
        M_CODE: begin
          if (out_fire) begin
            rd_idx_q <= 8'd0;
            if (count_q != 8'd0) mode_q <= M_DATA;
            else if (final_q)    mode_q <= M_DELIM;
            else                 mode_q <= M_FILL;
          end
        end
        M_DATA: begin
          if (out_fire) begin
            rd_idx_q <= rd_next;
            if (last_data) begin
              count_q <= 8'd0;
              mode_q  <= final_q ? M_DELIM : M_FILL;
            end
          end
        end
        default: begin  // M_DELIM
          if (out_fire) begin
            mode_q  <= M_FILL;
            phase_q <= P_PAYLOAD;
            final_q <= 1'b0;
            crc_q   <= 16'hFFFF;
          end
        end
      endcase
    end
  end

  reg [7:0] out_byte;
  always @(*) begin
    case (mode_q)
      M_CODE:  out_byte = count_q + 8'd1;
      M_DATA:  out_byte = group_rd_q;
      default: out_byte = 8'h00;
    endcase
  end

  assign tx_ready  = !hold_q || take_hold;
  assign out_data  = out_byte;
  assign out_valid = mode_q != M_FILL;
endmodule

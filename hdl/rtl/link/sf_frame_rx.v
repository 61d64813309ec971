// Frame receiver: COBS-decodes the host's byte stream into a single payload buffer (one block RAM)
// and checks the CRC-16 trailer; matches spikeforge::hw::FrameDecoder byte for byte.
//
// The last two decoded bytes wait in a two-byte delay line, so only payload bytes reach the
// buffer and the CRC bytes never need a slot. The CRC runs over payload and trailer: a good
// frame leaves a remainder of zero. Every verdict is given at the delimiter.
// Incoming bytes first land in a one-byte holding register, so the upstream data path (a
// FIFO's block RAM, the core's test harness) ends at flip-flops and in_ready comes from them.
module sf_frame_rx #(
  parameter MAX_PAYLOAD = 512
) (
  input  wire       clk,
  input  wire       rst,
  input  wire [7:0] in_data,
  input  wire       in_valid,
  output wire       in_ready,
  output wire       frame_valid,
  output wire [9:0] frame_len,
  input  wire [8:0] rd_addr,
  output wire [7:0] rd_data,
  input  wire       frame_done,
  output wire       err_valid,
  output wire [1:0] err_code
);
  localparam [1:0] ERR_CRC = 2'd1, ERR_COBS = 2'd2, ERR_LONG = 2'd3;
  localparam [9:0] MAX_LEN = MAX_PAYLOAD[9:0];

  reg [7:0]  buf_mem [0:MAX_PAYLOAD-1];
  reg [7:0]  rd_data_q;

  reg        started_q;    // a non-delimiter byte arrived since the last delimiter
  reg        have_group_q; // a code byte has been seen in this frame
  reg        group_full_q; // the current group's code was 0xFF: no implied zero after it
  reg [7:0]  remaining_q;  // data bytes still due in the current group
  reg        too_long_q;   // payload overflowed: skip to the delimiter
  reg [7:0]  delay0_q, delay1_q;
  reg [1:0]  delayed_q;    // bytes held in the delay line (0..2)
  reg [9:0]  len_q;        // payload bytes written to the buffer
  reg [15:0] crc_q;
  reg        frame_valid_q;
  reg [9:0]  frame_len_q;
  reg        err_valid_q;
  reg [1:0]  err_code_q;
  reg        hold_q;
  reg [7:0]  hold_data_q;

  // The held byte is decoded unless a good frame is waiting for the core.
  wire accept    = hold_q && !frame_valid_q;
  wire take_in   = in_valid && (!hold_q || accept);
  wire delimiter = hold_data_q == 8'h00;
  wire is_code   = remaining_q == 8'd0;

  // A decoded byte comes out of a data byte, or is the zero implied by the previous group
  // when the next code byte arrives.
  wire       emit      = accept && !delimiter && !too_long_q &&
                         (!is_code || (have_group_q && !group_full_q));
  wire [7:0] emit_byte = is_code ? 8'h00 : hold_data_q;
  wire       spill     = emit && (delayed_q == 2'd2);
  wire       overflow  = spill && (len_q == MAX_LEN);

  wire [15:0] crc_next;
  sf_crc16 u_crc (.crc_in(crc_q), .data(emit_byte), .crc_out(crc_next));

  always @(posedge clk) begin
    if (spill && !overflow) buf_mem[len_q[8:0]] <= delay1_q;
    rd_data_q <= buf_mem[rd_addr];
  end

  always @(posedge clk) begin
    if (rst) begin
      hold_q      <= 1'b0;
      hold_data_q <= 8'h00;
    end else if (take_in) begin
      hold_q      <= 1'b1;
      hold_data_q <= in_data;
    end else if (accept) begin
      hold_q <= 1'b0;
    end
  end

  always @(posedge clk) begin
    if (rst) begin
      started_q     <= 1'b0;
      have_group_q  <= 1'b0;
      group_full_q  <= 1'b0;
      remaining_q   <= 8'd0;
      too_long_q    <= 1'b0;
      delay0_q      <= 8'd0;
      delay1_q      <= 8'd0;
      delayed_q     <= 2'd0;
      len_q         <= 10'd0;
      crc_q         <= 16'hFFFF;
      frame_valid_q <= 1'b0;
      frame_len_q   <= 10'd0;
      err_valid_q   <= 1'b0;
      err_code_q    <= 2'd0;
    end else begin
      err_valid_q <= 1'b0;
      if (frame_done) frame_valid_q <= 1'b0;

      if (accept && delimiter) begin
        if (started_q) begin
          if (too_long_q) begin
            err_valid_q <= 1'b1;
            err_code_q  <= ERR_LONG;
          end else if (remaining_q != 8'd0) begin
            err_valid_q <= 1'b1;
            err_code_q  <= ERR_COBS;
          end else if (delayed_q != 2'd2 || len_q == 10'd0 || crc_q != 16'h0000) begin
            err_valid_q <= 1'b1;
            err_code_q  <= ERR_CRC;
          end else begin
            frame_valid_q <= 1'b1;
            frame_len_q   <= len_q;
          end
        end
        started_q    <= 1'b0;
        have_group_q <= 1'b0;
        group_full_q <= 1'b0;
        remaining_q  <= 8'd0;
        too_long_q   <= 1'b0;
        delayed_q    <= 2'd0;
        len_q        <= 10'd0;
        crc_q        <= 16'hFFFF;
      end else if (accept) begin
        started_q <= 1'b1;
        if (!too_long_q) begin
          if (is_code) begin
            remaining_q  <= hold_data_q - 8'd1;
            group_full_q <= hold_data_q == 8'hFF;
            have_group_q <= 1'b1;
          end else begin
            remaining_q <= remaining_q - 8'd1;
          end
        end
        if (emit) begin
          crc_q    <= crc_next;
          delay0_q <= emit_byte;
          delay1_q <= delay0_q;
          if (delayed_q != 2'd2) delayed_q <= delayed_q + 2'd1;
          if (overflow) too_long_q <= 1'b1;
          else if (spill) len_q <= len_q + 10'd1;
        end
      end
    end
  end

  assign in_ready    = !hold_q || accept;
  assign frame_valid = frame_valid_q;
  assign frame_len   = frame_len_q;
  assign rd_data     = rd_data_q;
  assign err_valid   = err_valid_q;
  assign err_code    = err_code_q;
endmodule

// One-byte step of CRC-16/CCITT-FALSE (poly 0x1021, MSB first, no reflection), shared by
// the frame receiver and transmitter; mirrors crc16_ccitt_update() in include/spikeforge/hw/crc16.hpp.
module sf_crc16 (
  input  wire [15:0] crc_in,
  input  wire [7:0]  data,
  output wire [15:0] crc_out
);
  // The eight shift steps unroll into a XOR network of depth about three LUTs.
  function [15:0] step8;
    input [15:0] c;
    input [7:0]  d;
    reg   [15:0] x;
    integer      i;
    begin
      x = c ^ {d, 8'h00};
      for (i = 0; i < 8; i = i + 1) begin
        if (x[15]) x = {x[14:0], 1'b0} ^ 16'h1021;
        else       x = {x[14:0], 1'b0};
      end
      step8 = x;
    end
  endfunction

  assign crc_out = step8(crc_in, data);
endmodule

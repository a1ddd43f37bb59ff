// Images made by hand, so that the tests need no image tool: a noisy PNG with a text
// chunk, a baseline JPEG with an EXIF segment carrying a GPS location, and readers of the
// few structures the tests look at.
import zlib from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// A noisy RGB PNG (noise: its thumbnail is clearly smaller), with a tEXt chunk that a
// re-encoded image must not keep. `seed` varies the pixels.
export function png(width, height, secret = 'JUTTU-SECRET-LOCATION 60.1699N 24.9384E', seed = 12345) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2;  // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  let state = seed;
  for (let i = 0; i < rows.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    rows[i] = i % (width * 3 + 1) === 0 ? 0 : state & 0xff;
  }
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${secret}`, 'latin1')),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- JPEG ---

function segment(marker, payload) {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

// The camera's name and GPS location the EXIF segment carries, as the tests look for them.
export const EXIF_CAMERA = 'JuttuCam';
// The GPSInfo pointer of IFD0 (tag 0x8825, type LONG, count 1), big-endian.
export const GPS_POINTER_ENTRY = Buffer.from([0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]);
// The latitude 60° 10' 12.34" as three big-endian RATIONALs.
export const GPS_LATITUDE = Buffer.from([0, 0, 0, 60, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 0x04, 0xd2, 0, 0, 0, 100]);

// APP1 "Exif\0\0" with a big-endian TIFF: IFD0 (Make, GPSInfo) and a GPS IFD (version,
// latitude 60°10'12.34" N, longitude 24°56'18.24" E).
export function exifGps() {
  const entry = (tag, type, count, value) => {
    const e = Buffer.alloc(12);
    e.writeUInt16BE(tag, 0); e.writeUInt16BE(type, 2); e.writeUInt32BE(count, 4);
    if (Buffer.isBuffer(value)) value.copy(e, 8); else e.writeUInt32BE(value, 8);
    return e;
  };
  const ASCII = 2; const LONG = 4; const RATIONAL = 5; const BYTE = 1;
  const ifd = (entries) => {
    const count = Buffer.alloc(2); count.writeUInt16BE(entries.length);
    return Buffer.concat([count, ...entries, Buffer.alloc(4)]);  // no next IFD
  };
  // Offsets are from the TIFF header: header 8, IFD0 2 + 2 * 12 + 4 = 30, Make 9 (+1 pad).
  const make = Buffer.from(`${EXIF_CAMERA}\0\0`, 'latin1');  // 9 bytes and a pad
  const ifd0At = 8;
  const makeAt = ifd0At + 30;
  const gpsAt = makeAt + make.length;
  const gpsSize = 2 + 5 * 12 + 4;
  const latitudeAt = gpsAt + gpsSize;
  const longitudeAt = latitudeAt + 24;
  const longitude = Buffer.alloc(24);
  [24, 1, 56, 1, 1824, 100].forEach((v, i) => longitude.writeUInt32BE(v, i * 4));
  const tiff = Buffer.concat([
    Buffer.from('MM\0\x2a\0\0\0\x08', 'latin1'),
    ifd([entry(0x010f, ASCII, EXIF_CAMERA.length + 1, makeAt), entry(0x8825, LONG, 1, gpsAt)]),
    make,
    ifd([
      entry(0x0000, BYTE, 4, Buffer.from([2, 2, 0, 0])),
      entry(0x0001, ASCII, 2, Buffer.from('N\0\0\0', 'latin1')),
      entry(0x0002, RATIONAL, 3, latitudeAt),
      entry(0x0003, ASCII, 2, Buffer.from('E\0\0\0', 'latin1')),
      entry(0x0004, RATIONAL, 3, longitudeAt),
    ]),
    GPS_LATITUDE,
    longitude,
  ]);
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

// The standard luminance DC table (ITU T.81, K.3): code lengths and the codes they give.
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
function huffmanCodes(bits) {
  const codes = [];
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    for (let k = 0; k < bits[length - 1]; k++) codes.push({ code: code++, length });
    code <<= 1;
  }
  return codes;
}

// A baseline greyscale JPEG of `width` x `height`: every 8x8 block one shade (DC only,
// a checker of shades), so that an encoder of a few lines writes it; `app` segments
// (e.g. exifGps()) follow the SOI.
export function jpeg(width, height, app = []) {
  const dqt = Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 16)]);
  const sof = Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const dhtDc = Buffer.from([0x00, ...DC_BITS, ...DC_VALUES]);
  // An AC table of one symbol, end of block, coded as the single bit 0.
  const dhtAc = Buffer.from([0x10, 1, ...Array(15).fill(0), 0x00]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);

  const dcCodes = huffmanCodes(DC_BITS);
  const out = [];
  let acc = 0;
  let nbits = 0;
  const put = (value, length) => {
    for (let i = length - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0);  // byte stuffing
        acc = 0; nbits = 0;
      }
    }
  };
  let previous = 0;
  const across = Math.ceil(width / 8);
  const down = Math.ceil(height / 8);
  for (let by = 0; by < down; by++) {
    for (let bx = 0; bx < across; bx++) {
      const dc = ((bx + by) % 2 ? 40 : -40) + ((bx * 7 + by * 3) % 11);
      const diff = dc - previous;
      previous = dc;
      const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      put(dcCodes[size].code, dcCodes[size].length);
      if (size) put(diff > 0 ? diff : diff + (1 << size) - 1, size);
      put(0, 1);  // end of block
    }
  }
  if (nbits) put(0x7f, 8 - nbits);  // pad with ones
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    ...app,
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, dhtDc),
    segment(0xc4, dhtAc),
    segment(0xda, sos),
    Buffer.from(out),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// The segments of a JPEG up to its scan: [{marker, payload}].
export function jpegSegments(bytes) {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  const segments = [];
  let at = 2;
  for (;;) {
    if (bytes[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = bytes[at + 1];
    if (marker === 0xff) { at += 1; continue; }  // fill byte
    const length = bytes.readUInt16BE(at + 2);
    segments.push({ marker, payload: bytes.subarray(at + 4, at + 2 + length) });
    if (marker === 0xda) return segments;
    at += 2 + length;
  }
}

// A JPEG's size from its frame header (SOF0-SOF15 but DHT, JPG and DAC).
export function jpegSize(bytes) {
  const frame = jpegSegments(bytes).find(({ marker }) =>
    marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker));
  if (!frame) throw new Error('no frame header');
  return { height: frame.payload.readUInt16BE(1), width: frame.payload.readUInt16BE(3) };
}

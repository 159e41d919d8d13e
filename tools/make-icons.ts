/**
 * Draws every icon in assets/ from code, with only Node (zlib for PNG): no image tools, no
 * network. Run `npx tsx tools/make-icons.ts`; the outputs are committed. The mark is a ring
 * (Ringside) with a dot; "muted" adds a slash, "offline" breaks the ring and hollows the dot.
 *
 *   assets/tray/tray{,-muted,-offline}-16.png, -16@2x.png, -32.png   Linux and Windows trays
 *   assets/tray/tray{,-muted,-offline}Template.png, Template@2x.png  macOS (black + alpha)
 *   assets/tray/tray{,-muted,-offline}.ico                           Windows (16, 24, 32, 48)
 *   assets/icon/icon-{16..1024}.png, icon.ico, icon.icns, linux/NxN.png  the app icon
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgba = readonly [number, number, number, number];
type Variant = 'normal' | 'muted' | 'offline';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------- PNG ----------

const crcTable = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA image (straight alpha) as a PNG file. */
export function encodePng(size: number, pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + y * size * 4, size * 4).copy(
      rows,
      y * (size * 4 + 1) + 1,
    );
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A .ico holding PNG images (supported since Windows Vista). */
function encodeIco(images: ReadonlyArray<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, index) => {
    const entry = 6 + index * 16;
    header.writeUInt8(size >= 256 ? 0 : size, entry);
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

/** A .icns holding PNG images (ic07 128, ic08 256, ic09 512, ic10 1024, ic11/12/13/14 retina). */
function encodeIcns(images: ReadonlyArray<{ type: string; png: Buffer }>): Buffer {
  const entries = images.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

// ---------- drawing ----------

/**
 * Coverage of the mark at a point, in a unit square (0..1): 0 outside, 1 inside. Shapes are
 * distance functions so the same code draws 16 px and 1024 px crisply (with supersampling).
 */
function markCoverage(x: number, y: number, variant: Variant, part: 'ring' | 'slash'): boolean {
  const dx = x - 0.5;
  const dy = y - 0.5;
  const distance = Math.hypot(dx, dy);
  if (part === 'slash') {
    // A bar from top-left to bottom-right, a little wider than the ring.
    const along = (dx + dy) / Math.SQRT2;
    const across = Math.abs(dx - dy) / Math.SQRT2;
    return across < 0.075 && Math.abs(along) < 0.48;
  }
  const ring = distance > 0.3 && distance < 0.44;
  const dot = distance < 0.13;
  const hollowDot = distance < 0.16 && distance > 0.08;
  if (variant === 'offline') {
    // A gap in the ring at the top right: the line is cut.
    const angle = Math.atan2(-dy, dx);
    const inGap = angle > 0.25 && angle < 1.3;
    return (ring && !inGap) || hollowDot;
  }
  if (variant === 'muted') {
    // Clear a channel around the slash so it reads at 16 px.
    const across = Math.abs(dx - dy) / Math.SQRT2;
    return (ring || dot) && across > 0.13;
  }
  return ring || dot;
}

interface Palette {
  background: Rgba | null;
  mark: Rgba;
  slash: Rgba;
}

function draw(size: number, variant: Variant, palette: Palette, padding: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = size >= 256 ? 2 : 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let mark = 0;
      let slash = 0;
      let background = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const ux = (px + (sx + 0.5) / samples) / size;
          const uy = (py + (sy + 0.5) / samples) / size;
          // The mark sits inside the padding; the background is a rounded square.
          const mx = (ux - padding) / (1 - 2 * padding);
          const my = (uy - padding) / (1 - 2 * padding);
          if (palette.background) {
            const corner = 0.2;
            const qx = Math.max(Math.abs(ux - 0.5) - (0.5 - corner - 0.02), 0);
            const qy = Math.max(Math.abs(uy - 0.5) - (0.5 - corner - 0.02), 0);
            if (Math.hypot(qx, qy) < corner) background += 1;
          }
          if (variant === 'muted' && markCoverage(mx, my, variant, 'slash')) slash += 1;
          else if (markCoverage(mx, my, variant, 'ring')) mark += 1;
        }
      }
      const total = samples * samples;
      const layers: Array<[Rgba, number]> = [];
      if (palette.background) layers.push([palette.background, background / total]);
      layers.push([palette.mark, mark / total], [palette.slash, slash / total]);
      // "Over" compositing, straight alpha.
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const [color, coverage] of layers) {
        const alpha = (color[3] / 255) * coverage;
        const outAlpha = alpha + a * (1 - alpha);
        if (outAlpha > 0) {
          r = (color[0] * alpha + r * a * (1 - alpha)) / outAlpha;
          g = (color[1] * alpha + g * a * (1 - alpha)) / outAlpha;
          b = (color[2] * alpha + b * a * (1 - alpha)) / outAlpha;
        }
        a = outAlpha;
      }
      const index = (py * size + px) * 4;
      pixels[index] = Math.round(r);
      pixels[index + 1] = Math.round(g);
      pixels[index + 2] = Math.round(b);
      pixels[index + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const colors: Record<Variant, Palette> = {
  normal: { background: null, mark: [37, 99, 235, 255], slash: [37, 99, 235, 255] },
  muted: { background: null, mark: [37, 99, 235, 255], slash: [217, 119, 6, 255] },
  offline: { background: null, mark: [115, 115, 115, 255], slash: [115, 115, 115, 255] },
};
const template: Palette = { background: null, mark: [0, 0, 0, 255], slash: [0, 0, 0, 255] };
const appPalette: Palette = {
  background: [37, 99, 235, 255],
  mark: [255, 255, 255, 255],
  slash: [255, 255, 255, 255],
};

function write(relative: string, bytes: Buffer): void {
  const file = path.join(root, 'assets', relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}

export function makeIcons(): string[] {
  const written: string[] = [];
  const out = (relative: string, bytes: Buffer) => {
    write(relative, bytes);
    written.push(relative);
  };
  for (const variant of ['normal', 'muted', 'offline'] as const) {
    const base = variant === 'normal' ? 'tray' : `tray-${variant}`;
    const png = (size: number, palette: Palette) =>
      encodePng(size, draw(size, variant, palette, 0.02));
    out(`tray/${base}-16.png`, png(16, colors[variant]));
    out(`tray/${base}-16@2x.png`, png(32, colors[variant]));
    out(`tray/${base}-32.png`, png(32, colors[variant]));
    out(`tray/${base}Template.png`, png(16, template));
    out(`tray/${base}Template@2x.png`, png(32, template));
    out(
      `tray/${base}.ico`,
      encodeIco([16, 24, 32, 48].map((size) => ({ size, png: png(size, colors[variant]) }))),
    );
  }
  const appPng = new Map<number, Buffer>();
  for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
    const png = encodePng(size, draw(size, 'normal', appPalette, 0.2));
    appPng.set(size, png);
    out(`icon/icon-${size}.png`, png);
    if (size <= 512) out(`icon/linux/${size}x${size}.png`, png);
  }
  const get = (size: number) => {
    const png = appPng.get(size);
    if (!png) throw new Error(`no ${size} px icon`);
    return png;
  };
  out(
    'icon/icon.ico',
    encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: get(size) }))),
  );
  out(
    'icon/icon.icns',
    encodeIcns([
      { type: 'ic11', png: get(32) },
      { type: 'ic12', png: get(64) },
      { type: 'ic07', png: get(128) },
      { type: 'ic08', png: get(256) },
      { type: 'ic13', png: get(256) },
      { type: 'ic09', png: get(512) },
      { type: 'ic14', png: get(512) },
      { type: 'ic10', png: get(1024) },
    ]),
  );
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = makeIcons();
  process.stdout.write(`wrote ${written.length} files under assets/\n`);
}

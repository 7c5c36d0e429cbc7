#!/usr/bin/env python3
"""hostile.py — the hostile clients of tests/test_hostile.sh, against `hrcast serve` on loopback only.

  hostile.py bomb KIND OUT        write one upload bomb (KIND: csv-gz, fit-gz, parquet-pages,
                                  parquet-list, parquet-footer) to OUT
  hostile.py stall PORT SECONDS   4 uploads of 20 MiB - 8 bytes from 127.0.0.2 and .3 (2 each) that
                                  then send one byte every 10 s; while they run: probe /healthz and a
                                  legitimate predict from 127.0.0.1, and a predict from 127.0.0.2 (its
                                  share of the upload budget is full); then wait up to SECONDS for
                                  the server to drop the stalled uploads
  hostile.py slowloris PORT N SECONDS
                                  N connections from 127.0.0.10.. (32 per address) that send one
                                  header byte every 0.5 s; probe while they run; wait up to SECONDS
                                  for the server to drop them all
  hostile.py per-client PORT N    N idle connections from 127.0.0.20: how many the server keeps
  hostile.py raw PORT HEX         send one raw request (hex), print the status line of the answer
  hostile.py raw-all PORT HEX     the same, print the whole answer (every response, until closed)
Each command prints `key value` lines that the shell test checks. Everything is bounded in count and
time; nothing leaves 127.0.0.0/8."""
import gzip
import os
import socket
import struct
import sys
import threading
import time
import zlib

LEGIT = b'{"speed":[3,3.1,3.2,3.3],"step":10}'


# ---------------------------------------------------------------- bombs
def bomb_csv_gz(out):
    """A CSV that inflates to 250 MiB, gzipped (about 250 KB)."""
    line = b"2024-01-01T00:00:00Z,150,3.0\n"
    total = 250 << 20
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = line * (1 << 15)
    with open(out, "wb") as f:
        f.write(z.compress(b"time,heart_rate,speed\n"))
        done = 0
        while done < total:
            f.write(z.compress(block))
            done += len(block)
        f.write(z.flush())


def fit_crc(data, crc=0):
    table = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
    for b in data:
        t = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ t ^ table[b & 0xF]
        t = table[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ t ^ table[(b >> 4) & 0xF]
    return crc


def bomb_fit_gz(out):
    """FIT: a definition of `record` with no fields, then 10 M one-byte record messages; gzipped."""
    count = 10_000_000
    definition = bytes([0x40, 0, 0]) + struct.pack("<HB", 20, 0)
    size = len(definition) + count
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, size, b".FIT")
    head += struct.pack("<H", fit_crc(head))
    with gzip.open(out, "wb", compresslevel=9) as f:
        f.write(head + definition)
        chunk = bytes(1 << 20)
        left = count
        while left:
            k = min(left, len(chunk))
            f.write(chunk[:k])
            left -= k
        f.write(struct.pack("<H", 0))  # file CRC not computed (10 MB in Python): readers only warn


# Thrift compact protocol, just what a Parquet footer and page header need.
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(v):
    return varint((v << 1) ^ (v >> 63))


class Struct:
    """Fields as (id, type, bytes) written in order; types: 5 i32, 6 i64, 8 binary, 9 list, 12 struct."""

    def __init__(self):
        self.fields = []

    def i32(self, fid, v):
        self.fields.append((fid, 5, zigzag(v)))
        return self

    def i64(self, fid, v):
        self.fields.append((fid, 6, zigzag(v)))
        return self

    def string(self, fid, s):
        b = s.encode()
        self.fields.append((fid, 8, varint(len(b)) + b))
        return self

    def struct(self, fid, st):
        self.fields.append((fid, 12, st.encode()))
        return self

    def list(self, fid, elem_type, items):
        n = len(items)
        head = bytes([(n << 4) | elem_type]) if n < 15 else bytes([0xF0 | elem_type]) + varint(n)
        self.fields.append((fid, 9, head + b"".join(items)))
        return self

    def encode(self):
        out = bytearray()
        last = 0
        for fid, ftype, body in self.fields:
            delta = fid - last
            if 0 < delta <= 15:
                out.append((delta << 4) | ftype)
            else:
                out.append(ftype)
                out += zigzag(fid)
            out += body
            last = fid
        out.append(0)
        return bytes(out)


PQ_INT32, PQ_INT64, PQ_FLOAT, PQ_DOUBLE = 1, 2, 4, 5
REQUIRED, OPTIONAL, REPEATED = 0, 1, 2
ZSTD, UNCOMPRESSED = 6, 0


def zstd_rle_frame(size):
    """A zstd frame of `size` zero bytes made of RLE blocks (4 bytes per 128 KiB)."""
    out = bytearray(struct.pack("<I", 0xFD2FB528))
    out.append(0x00)  # frame header descriptor: no content size, no checksum, not single segment
    out.append(7 << 3)  # window descriptor: 128 KiB
    left = size
    while left:
        k = min(left, 128 << 10)
        left -= k
        hdr = (1 if left == 0 else 0) | (1 << 1) | (k << 3)  # last flag, type RLE, size
        out += struct.pack("<I", hdr)[:3] + b"\x00"
    return bytes(out)


def parquet_file(schema, columns, num_rows, pad=0):
    """schema: SchemaElement Structs; columns: (path, type, codec, pages, num_values, total uncompressed)
    where pages are (page header Struct, payload bytes); pad: zero bytes before the first page."""
    body = bytearray(b"PAR1") + bytes(pad)
    chunks = []
    for path, ptype, codec, pages, num_values, total_unc in columns:
        start = len(body)
        for header, payload in pages:
            body += header.encode() + payload
        meta = (Struct().i32(1, ptype).list(2, 5, [zigzag(0)]).list(3, 8, [varint(len(p)) + p.encode() for p in path])
                .i32(4, codec).i64(5, num_values).i64(6, total_unc).i64(7, len(body) - start).i64(9, start))
        chunks.append(Struct().struct(3, meta).i64(2, start).encode())
    rg = Struct().list(1, 12, chunks).i64(2, len(body)).i64(3, num_rows)
    footer = (Struct().i32(1, 1).list(2, 12, [s.encode() for s in schema]).i64(3, num_rows)
              .list(4, 12, [rg.encode()]).encode())
    return bytes(body) + footer + struct.pack("<I", len(footer)) + b"PAR1"


def data_page_header(num_values, uncompressed, compressed):
    dph = Struct().i32(1, num_values).i32(2, 0).i32(3, 3).i32(4, 3)  # PLAIN values, RLE levels
    return Struct().i32(1, 0).i32(2, uncompressed).i32(3, compressed).struct(5, dph)


def gz(data):
    return gzip.compress(data, 9)


def rle_run(run, value):
    return varint(run << 1) + bytes([value])


def levels(*runs_lists):
    """Data page v1 levels: each level stream as a 4-byte length and RLE runs [(count, value)]."""
    out = b""
    for runs in runs_lists:
        enc = b"".join(rle_run(n, v) for n, v in runs)
        out += struct.pack("<I", len(enc)) + enc
    return out


# A scalar `step_s` (the time base: one sample every second) and a list `speed` (optional list of
# optional floats: repetition level 1, definition level 3).
STEP_COLUMN = (["step_s"], PQ_DOUBLE, UNCOMPRESSED, [(data_page_header(1, 8, 8), struct.pack("<d", 1.0))], 1, 8)
SCHEMA = [Struct().string(4, "schema").i32(5, 2),
          Struct().i32(1, PQ_DOUBLE).i32(3, REQUIRED).string(4, "step_s"),
          Struct().i32(3, OPTIONAL).string(4, "speed").i32(5, 1),
          Struct().i32(3, REPEATED).string(4, "list").i32(5, 1),
          Struct().i32(1, PQ_FLOAT).i32(3, OPTIONAL).string(4, "element")]
SPEED_PATH = ["speed", "list", "element"]


def bomb_parquet_pages(out):
    """8 zstd data pages of `speed`, each declaring 0 values and inflating to 128 MiB (1 GiB in all); gzipped."""
    frame = zstd_rle_frame(128 << 20)
    pages = [(data_page_header(0, 128 << 20, len(frame)), frame) for _ in range(8)]
    # then one honest page holding the row's one value, so the column adds up
    one = levels([(1, 0)], [(1, 3)]) + struct.pack("<f", 3.0)
    raw_block = struct.pack("<I", 1 | (len(one) << 3))[:3] + one
    last = struct.pack("<I", 0xFD2FB528) + bytes([0x00, 7 << 3]) + raw_block
    pages.append((data_page_header(1, len(one), len(last)), last))
    cols = [STEP_COLUMN, (SPEED_PATH, PQ_FLOAT, ZSTD, pages, 1, (8 << 27) + len(one))]
    with open(out, "wb") as f:
        f.write(gz(parquet_file(SCHEMA, cols, 1)))


def bomb_parquet_list(out):
    """One row whose `speed` list holds 2^24 values (all 3.0 m/s), the file padded with zeros so that
    it passes a budget of values per file byte; gzipped."""
    n = 1 << 24
    raw = levels([(1, 0), (n - 1, 1)], [(n, 3)]) + struct.pack("<f", 3.0) * n
    comp = gzip.compress(raw, 9)
    cols = [STEP_COLUMN, (SPEED_PATH, PQ_FLOAT, 2, [(data_page_header(n, len(raw), len(comp)), comp)], n, len(raw))]
    with open(out, "wb") as f:
        f.write(gz(parquet_file(SCHEMA, cols, 1, pad=n // 32)))


def bomb_parquet_footer(out):
    """A footer whose schema list declares 16 M one-byte empty structs; gzipped."""
    n = 16 << 20
    head = bytes([0xF0 | 12]) + varint(n)
    footer = bytes([0x15, 2]) + bytes([0x19]) + head + bytes(n) + bytes([0x16, 0]) + bytes([0x19, 0x0C]) + b"\x00"
    with gzip.open(out, "wb", compresslevel=9) as f:
        f.write(b"PAR1" + footer + struct.pack("<I", len(footer)) + b"PAR1")


BOMBS = {
    "csv-gz": bomb_csv_gz,
    "fit-gz": bomb_fit_gz,
    "parquet-pages": bomb_parquet_pages,
    "parquet-list": bomb_parquet_list,
    "parquet-footer": bomb_parquet_footer,
}


# ---------------------------------------------------------------- clients
def connect(port, src="127.0.0.1", timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def request(port, method, path, body=b"", src="127.0.0.1", ctype="application/json", timeout=10):
    """One HTTP/1.0-style request; returns (status, seconds, headers+body bytes)."""
    t0 = time.monotonic()
    try:
        s = connect(port, src, timeout)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if body or method == "POST":
            head += f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
        s.sendall(head.encode() + b"\r\n" + body)
        data = b""
        while True:
            got = s.recv(65536)
            if not got:
                break
            data += got
        s.close()
    except OSError as e:
        return 0, time.monotonic() - t0, str(e).encode()
    line = data.split(b"\r\n", 1)[0].split()
    status = int(line[1]) if len(line) > 1 and line[1].isdigit() else 0
    return status, time.monotonic() - t0, data


def probe(port, label, rounds=5, busy_src="127.0.0.2"):
    """/healthz (slowest of `rounds`) and one legitimate predict, printed as `key value` lines."""
    worst = 0.0
    codes = set()
    for _ in range(rounds):
        st, dt, _ = request(port, "GET", "/healthz")
        codes.add(st)
        worst = max(worst, dt)
        time.sleep(0.05)
    print(f"{label}_healthz_status {','.join(str(c) for c in sorted(codes))}")
    print(f"{label}_healthz_max_ms {worst * 1000:.1f}")
    st, dt, _ = request(port, "POST", "/api/predict", LEGIT)
    print(f"{label}_predict_status {st}")
    print(f"{label}_predict_ms {dt * 1000:.1f}")


def wait_closed(socks, seconds, trickle, period):
    """Send one byte (`trickle`) every `period` seconds on every socket the server still holds, until
    it has closed them all or `seconds` pass. Returns (closed count, seconds until the last close)."""
    t0 = time.monotonic()
    open_ = list(socks)
    last = 0.0
    next_send = t0 + period
    for s in open_:
        s.setblocking(False)
    while open_ and time.monotonic() - t0 < seconds:
        send = time.monotonic() >= next_send
        if send:
            next_send += period
        still = []
        for s in open_:
            closed = False
            try:
                closed = s.recv(4096) == b""
            except BlockingIOError:
                pass
            except OSError:
                closed = True
            if not closed and send:
                try:
                    s.send(trickle)
                except BlockingIOError:
                    pass
                except OSError:
                    closed = True
            if closed:
                last = time.monotonic() - t0
                s.close()
            else:
                still.append(s)
        open_ = still
        time.sleep(0.05)
    for s in open_:
        s.close()
    return len(socks) - len(open_), last


def cmd_stall(port, seconds):
    size = 20 << 20
    socks = []
    for k in range(4):
        src = "127.0.0.2" if k < 2 else "127.0.0.3"
        s = connect(port, src)
        s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: %d\r\n\r\n" % size)
        s.sendall(b"x" * (size - 8))
        socks.append(s)
    t_stall = time.monotonic()
    # sendall returns with up to a few MB still in the socket buffers: give the server a moment to read
    # them (it drops a stalled upload no sooner than one whole --recv-timeout window after its last byte)
    time.sleep(0.8)
    st, _, data = request(port, "POST", "/api/predict", LEGIT, src="127.0.0.2")
    print(f"stall_same_client_status {st}")
    print(f"stall_same_client_retry_after {1 if b'Retry-After: 1' in data else 0}")
    probe(port, "stall")
    # one byte every 10 s, as the attacker does, until the server drops the connection
    closed, _ = wait_closed(socks, seconds, b"x", 10)
    print(f"stall_dropped {closed}")
    print(f"stall_dropped_after_s {time.monotonic() - t_stall:.1f}")
    probe(port, "after_stall")


def cmd_slowloris(port, n, seconds):
    socks = []
    for k in range(n):
        s = connect(port, f"127.0.0.{10 + k // 32}")
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    t0 = time.monotonic()
    probe(port, "slowloris")
    closed, last = wait_closed(socks, seconds, b"X", 0.5)
    print(f"slowloris_opened {n}")
    print(f"slowloris_dropped {closed}")
    print(f"slowloris_dropped_after_s {time.monotonic() - t0:.1f}")
    probe(port, "after_slowloris")


def cmd_per_client(port, n):
    socks = [connect(port, "127.0.0.20") for _ in range(n)]
    time.sleep(0.5)
    kept = 0
    for s in socks:
        s.setblocking(False)
        try:
            kept += s.recv(1) != b""  # data: should not happen
        except BlockingIOError:
            kept += 1  # still open, nothing said
        except OSError:
            pass
        s.close()
    print(f"per_client_kept {kept}")


def recv_reply(s, until=None):
    """What the server sends on s until it closes, goes quiet past the socket's timeout, or (until given)
    the bytes received contain until (b"\r\n\r\n": the status line and headers)."""
    data = b""
    try:
        while until is None or until not in data:
            got = s.recv(65536)
            if not got:
                break
            data += got
    except OSError:
        pass
    return data


def raw_reply(port, hexreq):
    """Everything the server answers to one raw request (hex) until it closes or goes quiet for 5 s."""
    s = connect(port)
    s.sendall(bytes.fromhex(hexreq))
    data = recv_reply(s)
    s.close()
    return data


def cmd_raw(port, hexreq):
    print(raw_reply(port, hexreq).split(b"\r\n", 1)[0].decode("latin-1"))


def cmd_raw_all(port, hexreq):
    print(raw_reply(port, hexreq).decode("latin-1"))


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "bomb" and a[1] in BOMBS:
        BOMBS[a[1]](a[2])
    elif len(a) == 3 and a[0] == "stall":
        cmd_stall(int(a[1]), float(a[2]))
    elif len(a) == 4 and a[0] == "slowloris":
        cmd_slowloris(int(a[1]), int(a[2]), float(a[3]))
    elif len(a) == 3 and a[0] == "per-client":
        cmd_per_client(int(a[1]), int(a[2]))
    elif len(a) == 3 and a[0] == "raw":
        cmd_raw(int(a[1]), a[2])
    elif len(a) == 3 and a[0] == "raw-all":
        cmd_raw_all(int(a[1]), a[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

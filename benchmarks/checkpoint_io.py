#!/usr/bin/env python3
"""Checkpoint and streaming costs (docs/checkpoints.md, docs/recording.md), measured in one run:

1. Saving and loading a checkpoint of Brunel with 10^7 synapses (E->E learning by STDP), against
   writing the same number of bytes as one buffer to the same disk (the target: at most 2 x).
   Save and write both end with fsync; the load is also set beside a read of the bytes.
2. A COBA 4k run that streams every spike to HDF5, against the same run keeping them in memory,
   interleaved.

3. With --memory-run MS instead (its own process, so nothing else has raised the peak): the
   growth of peak resident memory while COBA 4k streams every spike for MS of simulated time,
   after the first 10 s.

Medians of --repeats runs; the ratios are what docs/ quote.

    python3 benchmarks/checkpoint_io.py [--repeats 5] [--dir /tmp]
    python3 benchmarks/checkpoint_io.py --memory-run 3600000
"""

import argparse
import os
import resource
import statistics
import tempfile
import time

import spikeforge as sf


def fsync_path(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def checkpoint_io(directory, repeats):
    net = sf.reference.brunel(stdp=True)
    sim = sf.Simulator(net, seed=1, threads=1)
    sim.run(20.0, progress=False)
    path = os.path.join(directory, "brunel.state")
    raw = os.path.join(directory, "raw.bin")
    save, write, load, read = [], [], [], []
    other = sf.Simulator(net, seed=1, threads=1)
    for _ in range(repeats):
        save.append(timed(lambda: (sim.save_state(path), fsync_path(path))))
        size = os.path.getsize(path)
        payload = os.urandom(1 << 20) * (size >> 20) + os.urandom(size & ((1 << 20) - 1))

        def write_raw():
            with open(raw, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())

        write.append(timed(write_raw))
        del payload
        load.append(timed(lambda: other.load_state(path)))

        def read_raw():
            with open(raw, "rb") as f:
                f.read()

        read.append(timed(read_raw))
    os.remove(raw)
    os.remove(path)
    ms = statistics.median
    synapses = sum(sim.synapses(p.name).weight.size for p in net.description.projections)
    print(f"checkpoint of Brunel + STDP ({synapses:.3g} synapses), {size / 1e6:.1f} MB, medians of {repeats}:")
    print(f"  save {ms(save):.3f} s, write of the same bytes {ms(write):.3f} s: ratio {ms(save) / ms(write):.2f}")
    print(f"  load {ms(load):.3f} s: {ms(load) / ms(write):.2f} x the write; a read of the same bytes from the page"
          f" cache takes {ms(read):.3f} s ({ms(load) / ms(read):.2f} x; load also checks every size and the checksum)")
    return size


def streaming_cost(directory, repeats, duration):
    net = sf.reference.coba()
    net.record_spikes("E")
    net.record_spikes("I")
    path = os.path.join(directory, "coba.h5")
    memory, streamed = [], []
    spikes = 0
    for _ in range(repeats):
        sim = sf.Simulator(net, seed=1, threads=1)
        memory.append(timed(lambda: sim.run(duration, progress=False)))
        spikes = sum(sim.spikes(p).times.size for p in ("E", "I"))
        sim = sf.Simulator(net, seed=1, threads=1)
        sim.stream_records(path)
        streamed.append(timed(lambda: sim.run(duration, progress=False)))
        sim.stop_streaming()
    os.remove(path)
    ms = statistics.median
    print(f"COBA 4k, {duration / 1000:g} s simulated, {spikes} spikes recorded, medians of {repeats}:")
    print(f"  in memory {ms(memory):.3f} s, streamed to HDF5 {ms(streamed):.3f} s: cost {100 * (ms(streamed) / ms(memory) - 1):+.1f} %")


def memory_run(directory, duration):
    net = sf.reference.coba()
    net.record_spikes("E")
    net.record_spikes("I")
    path = os.path.join(directory, "coba_long.h5")
    sim = sf.Simulator(net, seed=1, threads=1)
    sim.stream_records(path)
    sim.run(10000.0, progress=False)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall = timed(lambda: sim.run(duration, progress=False))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sim.stop_streaming()
    with sf.read_records(path) as f:
        spikes = sum(f.file[f"probes/spikes({p})/times"].shape[0] for p in ("E", "I"))
    print(f"COBA 4k streamed for {(duration + 10000.0) / 1000:g} s simulated ({spikes} spikes, "
          f"{os.path.getsize(path) / 1e6:.0f} MB file, {wall:.0f} s wall): peak RSS {before:.0f} MB after 10 s, "
          f"{after:.0f} MB at the end: growth {after - before:.1f} MB")
    os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--duration", type=float, default=5000.0, help="COBA run length in ms")
    parser.add_argument("--memory-run", type=float, default=0.0, help="only the memory run, this long (ms)")
    args = parser.parse_args()
    if args.memory_run > 0:
        memory_run(args.dir, args.memory_run)
        return
    checkpoint_io(args.dir, args.repeats)
    streaming_cost(args.dir, args.repeats, args.duration)


if __name__ == "__main__":
    main()

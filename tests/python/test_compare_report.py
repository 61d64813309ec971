"""benchmarks/compare.py's report: medians, ratios and target verdicts from run records, the
Markdown table, the JSON file and the PNG chart. Needs only numpy and matplotlib; the peer
simulators themselves are exercised by benchmarks/peers/test_smoke.py outside CI."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare", ROOT / "benchmarks" / "compare.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ok(net, sim, sps, rate=20.0, syn=320000, **extra):
    return {"network": net, "simulator": sim, "status": "ok", "s_per_s": sps, "run_s": sps * 2,
            "rate_hz": rate, "synapses": syn, **extra}


def records():
    recs = []
    # coba: spikeforge medians 0.025, brian2 0.11 -> ratio 0.22727 <= 0.25 (pass);
    # nest 2.0 -> 0.0125 <= 1 (pass).
    for sf, b2, ne in ((0.02, 0.10, 2.0), (0.03, 0.12, 2.2), (0.025, 0.11, 1.9)):
        recs.append(_ok("coba", "spikeforge", sf, rate=19.0, bytes_per_synapse=8.0, build_s=0.1))
        recs.append(_ok("coba", "brian2", b2, rate=20.7, syn=319751))
        recs.append(_ok("coba", "nest", ne, rate=19.1, syn=320409))
    # brunel_stdp: spikeforge 1.0 vs brian2 4.0 -> 0.25 > 0.2 (FAIL); 13 B/syn > 12 (FAIL);
    # nest unavailable.
    recs.append(_ok("brunel_stdp", "spikeforge", 1.0, rate=30.0, syn=10**7, bytes_per_synapse=13.0))
    recs.append(_ok("brunel_stdp", "brian2", 4.0, rate=30.4, syn=10**7))
    recs.append({"network": "brunel_stdp", "simulator": "nest", "status": "unavailable",
                 "reason": "import nest failed: No module named 'nest'"})
    return recs


NETS = ["coba", "brunel_stdp"]
SIMS = ["spikeforge", "brian2", "nest"]


def row(rows, net, sim):
    return next(r for r in rows if r["network"] == net and r["simulator"] == sim)


def test_medians_ratios_and_verdicts(compare):
    rows = compare.summarise(records(), NETS, SIMS)
    assert len(rows) == 6, f"rows: expected 6 (2 networks x 3 simulators), got {len(rows)}"
    sf = row(rows, "coba", "spikeforge")
    assert sf["s_per_s"] == pytest.approx(0.025, rel=1e-12), "spikeforge coba median s/s"
    assert (sf["s_per_s_min"], sf["s_per_s_max"]) == (0.02, 0.03), "spikeforge coba min/max"
    assert sf["pass"] is True, "8.0 B/syn against <= 8 must pass"
    b2 = row(rows, "coba", "brian2")
    assert b2["s_per_s"] == pytest.approx(0.11, rel=1e-12), "brian2 coba median s/s"
    assert b2["ratio"] == pytest.approx(0.025 / 0.11, rel=1e-12), "coba spikeforge/brian2"
    assert b2["target"] == 0.25 and b2["pass"] is True, "coba brian2 target 0.25 must pass"
    ne = row(rows, "coba", "nest")
    assert ne["ratio"] == pytest.approx(0.025 / 2.0, rel=1e-12), "coba spikeforge/nest"
    assert ne["target"] == 1.0 and ne["pass"] is True, "nest must simply be beaten"
    assert ne["synapses"] == 320409, "nest coba synapse count"

    b2s = row(rows, "brunel_stdp", "brian2")
    assert b2s["ratio"] == pytest.approx(0.25, rel=1e-12), "brunel_stdp ratio"
    assert b2s["target"] == 0.2 and b2s["pass"] is False, "0.25 against <= 0.2 must fail"
    assert row(rows, "brunel_stdp", "spikeforge")["pass"] is False, "13 B/syn against <= 12"
    nes = row(rows, "brunel_stdp", "nest")
    assert nes["status"] == "unavailable" and "No module named" in nes["reason"], nes
    assert nes["pass"] is None, "an unavailable peer has no verdict"


def test_table_keeps_unavailable_peers_and_shows_failures(compare):
    table = compare.format_table(compare.summarise(records(), NETS, SIMS))
    lines = table.splitlines()
    assert len(lines) == 2 + 6, f"table lines: expected header + rule + 6 rows, got {len(lines)}"
    nest_line = next(l for l in lines if "brunel_stdp" in l and "nest" in l)
    assert "unavailable: import nest failed" in nest_line, nest_line
    b2_line = next(l for l in lines if "brunel_stdp" in l and "brian2" in l)
    assert "FAIL" in b2_line and "0.250" in b2_line, b2_line
    coba_b2 = next(l for l in lines if l.startswith("| coba | brian2"))
    assert "0.11 (0.1-0.12)" in coba_b2 and "0.227" in coba_b2 and "pass" in coba_b2, coba_b2
    assert "20.70" in coba_b2 and "319751" in coba_b2, coba_b2


def test_json_round_trip(compare, tmp_path):
    recs = records()
    rows = compare.summarise(recs, NETS, SIMS)
    path = tmp_path / "out" / "compare.json"
    compare.write_json(path, recs, rows, {"repeats": 3})
    doc = json.loads(path.read_text())
    assert doc["config"] == {"repeats": 3}, "config block"
    assert doc["summary"] == rows, "summary rows survive the JSON round trip"
    assert len(doc["runs"]) == len(recs), "every run record is kept"


def test_png_chart(compare, tmp_path):
    import matplotlib.image as mpimg

    path = tmp_path / "compare.png"
    compare.plot(compare.summarise(records(), NETS, SIMS), path, title="test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "compare.png is not a PNG"
    img = mpimg.imread(path)
    assert img.shape[0] >= 300 and img.shape[1] >= 500, f"chart size {img.shape[:2]}"
    assert img[..., :3].std() > 0.05, "chart is blank"


def test_parse_result_takes_last_json_line(compare):
    out = 'INFO something\n{"run_s": 1, "s_per_s": 0.5, "rate_hz": 3, "synapses": 7}\n'
    assert compare.parse_result(out)["s_per_s"] == 0.5, "s_per_s from the JSON line"
    with pytest.raises(ValueError, match="synapses"):
        compare.parse_result('{"run_s": 1, "s_per_s": 0.5, "rate_hz": 3}')
    with pytest.raises(ValueError, match="no JSON"):
        compare.parse_result("nothing here\n")


def test_missing_binary_is_reported_not_dropped(compare, tmp_path):
    missing = tmp_path / "no" / "spikeforge_netbench"
    code = compare.main(["--simulators", "spikeforge", "--networks", "coba", "--repeats", "1",
                         "--netbench", str(missing), "--out-dir", str(tmp_path / "o")])
    assert code == 1, f"exit status with a simulator that did not run: expected 1, got {code}"
    doc = json.loads((tmp_path / "o" / "compare.json").read_text())
    (r,) = doc["summary"]
    assert r["status"] == "unavailable" and str(missing) in r["reason"], r
    assert "unavailable" in (tmp_path / "o" / "compare.md").read_text(), "compare.md row"
    assert (tmp_path / "o" / "compare.png").is_file(), "compare.png written"


def test_select_clock(compare):
    rec = {"status": "ok", "duration_ms": 500.0, "run_s": 2.0, "cpu_s": 0.5, "s_per_s": 4.0,
           "rate_hz": 5.0, "synapses": 1}
    cpu = compare.select_clock(dict(rec), "cpu")
    assert cpu["s_per_s"] == pytest.approx(1.0), "cpu s/s = 0.5 s / 0.5 s"
    assert cpu["wall_s_per_s"] == pytest.approx(4.0), "wall s/s = 2 s / 0.5 s"
    assert compare.select_clock(dict(rec), "wall")["s_per_s"] == pytest.approx(4.0), "wall s/s"
    no_cpu = {k: v for k, v in rec.items() if k != "cpu_s"}
    failed = compare.select_clock(no_cpu, "cpu")
    assert failed["status"] == "failed" and "cpu_s" in failed["reason"], failed


def _threaded_records(wall1, wall2):
    recs = []
    for t, wall in ((1, wall1), (2, wall2)):
        for sps in (wall * 0.9, wall, wall * 1.1):
            recs.append(_ok("brunel", "spikeforge", sps, rate=43.0, syn=10**7, threads=t,
                            wall_s_per_s=sps, bytes_per_synapse=4.0))
    return recs


def test_thread_speedup_target(compare):
    # 1 thread median 4.0 s/s, 2 threads 2.4 s/s: 1.667x >= 1.6 holds; 2.6 s/s: 1.538x misses.
    rows = compare.summarise(_threaded_records(4.0, 2.4), ["brunel"], ["spikeforge"])
    assert [r["threads"] for r in rows] == [1, 2], f"one row per thread count, got {rows}"
    (sp,) = compare.thread_speedups(rows)
    assert sp["speedup"] == pytest.approx(4.0 / 2.4, rel=1e-12), "speedup = wall1 / wall2"
    assert sp["target"] == 1.6 and sp["pass"] is True, sp
    lines = compare.verdict_lines(rows, [sp])
    assert any("2 threads vs 1 thread" in l and "1.67x" in l and "holds" in l for l in lines), lines
    (sp,) = compare.thread_speedups(compare.summarise(_threaded_records(4.0, 2.6), ["brunel"],
                                                      ["spikeforge"]))
    assert sp["pass"] is False and sp["speedup"] == pytest.approx(4.0 / 2.6), sp
    # One thread count only: nothing to check.
    assert compare.thread_speedups(compare.summarise(_threaded_records(4.0, 2.4)[:3], ["brunel"],
                                                     ["spikeforge"])) == []


def test_verdicts_name_every_checked_target_and_unavailable_peers(compare):
    lines = compare.verdict_lines(compare.summarise(records(), NETS, SIMS), [])
    assert "target coba (1 thread(s)): spikeforge/brian2 0.227 <= 0.25: holds" in lines, lines
    assert "target brunel_stdp (1 thread(s)): spikeforge/brian2 0.250 <= 0.2: MISSED" in lines, lines
    assert any(l.startswith("target brunel_stdp") and "bytes/synapse 13.00 <= 12: MISSED" in l
               for l in lines), lines
    assert any(l.startswith("unavailable: nest on brunel_stdp") and "No module named" in l
               for l in lines), lines


def test_unsupported_network_is_listed_and_does_not_fail(compare, tmp_path):
    # NEST cannot express the plastic network (no synaptic scaling): it is listed with the
    # reason, without starting NEST, and is not counted as a simulator that failed to run.
    code = compare.main(["--simulators", "nest", "--networks", "plastic", "--repeats", "1",
                         "--peer-python", "/nonexistent/python", "--out-dir", str(tmp_path)])
    doc = json.loads((tmp_path / "compare.json").read_text())
    (r,) = doc["summary"]
    assert r["status"] == "unavailable" and "synaptic scaling" in r["reason"], r
    assert r.get("unsupported") is True, r
    assert code == 0, f"exit status with only an unsupported pair: expected 0, got {code}"

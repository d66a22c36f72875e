#!/usr/bin/env python3
"""Compares Actuate's archived training runs with the RL Zoo's released runs, cell by cell.

The Zoo's released agents (github.com/DLR-RM/rl-trained-agents, one folder per algorithm and env, e.g.
ppo/Pendulum-v1_1) keep each training env's Monitor file (every training episode's return, with its wall
time) and evaluations.npz (the deterministic evaluations made during training). For each cell of
configs/zoo-targets.yaml this prints:
  - the Zoo run's training return: the mean of its last 100 training episodes (all envs, in time order) at
    the cell's step budget;
  - the same for each archived seed of docs/results/runs (its metrics.csv mean_return, a 100-episode mean), at
    the same step where the Zoo run's monitor files end before the budget;
  - the Zoo run's last deterministic evaluations (mean over their episodes) with their steps.
Steps of the Zoo run are counted from episode lengths, so they are env steps over all envs, as ours.

Usage: scripts/zoo-run-compare.py RL_TRAINED_AGENTS_CLONE [--cells ALGO-ENV ...]
A clone's git objects are read with `git show HEAD:PATH`, so a bare mirror works too.
Needs numpy (for evaluations.npz). Prints a Markdown table.
"""
import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The Zoo's released agents were trained on the gym versions of their day.
ZOO_ENV = {"LunarLanderContinuous-v3": "LunarLanderContinuous-v2"}


def git_show(repo, path):
    r = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def git_ls(repo, folder):
    r = subprocess.run(["git", "-C", str(repo), "ls-tree", "--name-only", "HEAD", folder + "/"],
                       capture_output=True, text=True)
    return r.stdout.split() if r.returncode == 0 else []


def zoo_training_return(repo, folder, budget):
    """Mean of the last 100 training episodes (all monitors merged by end time) once `budget` steps are done."""
    episodes = []
    for f in git_ls(repo, folder):
        if not f.endswith("monitor.csv"):
            continue
        text = git_show(repo, f).decode()
        rows = text.splitlines()[1:]  # line 1: the Monitor's JSON header
        for row in csv.DictReader(io.StringIO("\n".join(rows))):
            episodes.append((float(row["t"]), float(row["r"]), int(float(row["l"]))))
    if not episodes:
        return None, None
    episodes.sort()
    steps, window, at = 0, [], None
    for _, r, l in episodes:
        steps += l
        window.append(r)
        at = steps
        if steps >= budget:
            break
    last = window[-100:]
    return sum(last) / len(last), at


def zoo_evaluations(repo, folder, k=4):
    raw = git_show(repo, f"{folder}/evaluations.npz")
    if raw is None:
        return ""
    d = np.load(io.BytesIO(raw))
    t, r = d["timesteps"], d["results"]
    means = r.reshape(len(t), -1).mean(axis=1)
    return " / ".join(f"{int(a) // 1000}k: {b:.0f}" for a, b in zip(t[-k:], means[-k:])) + f" ({r.shape[1]} ep.)"


def ours(algo, env, step):
    """Each archived seed's 100-episode training return at its first row at or past `step` (its step if short)."""
    out = []
    for s in range(3):
        m = ROOT / "docs/results/runs" / f"{algo}-{env}-s{s}" / "metrics.csv"
        if not m.exists():
            out.append("—")
            continue
        with open(m) as fh:
            rows = [r for r in csv.DictReader(fh) if r["mean_return"] not in ("", "NaN", "nan")]
        if not rows:
            out.append("—")
            continue
        # The first row at or past `step`, as the Zoo run's figure is taken (else the run's last row).
        r = next((r for r in rows if int(r["global_step"]) >= step), rows[-1])
        short = int(r["global_step"]) < 0.97 * step
        out.append(f"{float(r['mean_return']):.0f}" + (f" (at {int(r['global_step']):,})" if short else ""))
    return " / ".join(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    repo = Path(argv[1])
    only = set(argv[argv.index("--cells") + 1:]) if "--cells" in argv else None
    cells = re.findall(r"\{algo: (\w+), env: ([\w-]+), zoo_return: ([-\d.]+), steps: (\d+)",
                       (ROOT / "configs/zoo-targets.yaml").read_text())
    print("| cell | Zoo figure | Zoo run: training return at the budget | ours at the same step: s0 / s1 / s2 "
          "| Zoo run: its last evaluations during training |")
    print("|---|---|---|---|---|")
    for algo, env, zoo, budget in cells:
        if only and f"{algo}-{env}" not in only:
            continue
        folder = f"{algo}/{ZOO_ENV.get(env, env)}_1"
        if not git_ls(repo, folder):
            continue
        tr, at = zoo_training_return(repo, folder, int(budget))
        zoo_tr = "—" if tr is None else f"{tr:.0f}" + ("" if at >= 0.97 * int(budget) else f" (at {at:,}: its monitor ends)")
        step = int(budget) if at is None else min(int(budget), at)
        print(f"| {algo} {env} | {zoo} | {zoo_tr} | {ours(algo, env, step)} | {zoo_evaluations(repo, folder)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

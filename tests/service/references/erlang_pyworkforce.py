"""Regenerate tests/service/references/erlang_pyworkforce.json from pyworkforce 0.5.1 (MIT), an
independent Erlang C implementation: P(wait), service level, occupancy and required positions.

    python tests/service/references/erlang_pyworkforce.py
"""

import json
from pathlib import Path

from pyworkforce.queuing import ErlangC

CASES = [  # transactions per interval, aht (min), asa = answer-within (min), interval (min), agents
    (100, 3.0, 20 / 60, 30, 14),
    (600, 5.0, 0.5, 30, 110),
    (45, 8.0, 1.0, 60, 8),
    (1, 4.0, 0.25, 30, 1),
    (2500, 4.0, 20 / 60, 30, 345),
]
TARGETS = [0.8, 0.9]


def main():
    out = []
    for tx, aht, asa, interval, n in CASES:
        e = ErlangC(transactions=tx, aht=aht, asa=asa, interval=interval)
        row = {"transactions": tx, "aht": aht, "asa": asa, "interval": interval, "agents": n,
               "load": e.intensity, "p_wait": e.waiting_probability(n), "service_level": e.service_level(n),
               "occupancy": e.achieved_occupancy(n)}
        for t in TARGETS:
            row[f"required_{t}"] = e.required_positions(t)["raw_positions"]
        out.append(row)
    path = Path(__file__).with_suffix(".json")
    path.write_text(json.dumps({"source": "pyworkforce 0.5.1 ErlangC", "cases": out}, indent=1) + "\n")
    print(path)


if __name__ == "__main__":
    main()

"""Filière proposal on the demo catalogue's posting templates: is the template's filière among
the proposals, how many are proposed, and how long a call takes once the model is loaded."""
import statistics
import sys
import time

from app.services.cpv_suggestions import get_suggester
from app.services.filiere_suggestions import suggest_filieres
from seed.demo.catalogue import load_catalogue

INSTANCE = sys.argv[1] if len(sys.argv) > 1 else "instance"
get_suggester(INSTANCE)
cases = []
for filiere, template in load_catalogue().templates:
    intro = (template.get("intros") or [""])[0].replace("{owner}", "La structure")
    for title in template.get("titles", []):
        cases.append((filiere, title, intro))
hits, sizes, times, empty = 0, [], [], 0
for filiere, title, intro in cases:
    t = time.perf_counter()
    proposed = suggest_filieres(title, intro, INSTANCE)
    times.append((time.perf_counter() - t) * 1000)
    hits += filiere in proposed
    sizes.append(len(proposed))
    empty += not proposed
times.sort()
print(f"texts={len(cases)} hit_rate={hits / len(cases):.3f} first_is_right="
      f"{sum(suggest_filieres(t, i, INSTANCE)[:1] == [f] for f, t, i in cases) / len(cases):.3f} "
      f"mean_proposed={statistics.mean(sizes):.2f} none_proposed={empty} "
      f"p50_ms={times[len(times) // 2]:.1f} p95_ms={times[int(len(times) * .95)]:.1f}")

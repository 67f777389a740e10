#!/usr/bin/env bash
# docs/regen.sh [MISSIONC] - regenerate the README's diagrams of the flagship example.
#
#   docs/map.svg       docs/map.png        missionc graph --view map
#   docs/timeline.svg  docs/timeline.png   missionc graph --view timeline
#
# MISSIONC defaults to build/missionc. Run it from anywhere; the outputs are
# byte-identical from one run to the next, so `git diff` shows real changes only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missionc=${1:-$root/build/missionc}
flagship=$root/examples/climate_neutral_cities.mission
for view in map timeline; do
  for format in svg png; do
    "$missionc" graph --view "$view" -T "$format" -o "$root/docs/$view.$format" "$flagship"
    echo "docs/$view.$format"
  done
done

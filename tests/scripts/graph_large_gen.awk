# graph_large_gen.awk - write a synthetic mission with N projects (awk -v N=300).
# Deterministic: every choice is arithmetic on the index. Used by graph_large.sh.
BEGIN {
  if (!N) N = 300
  G = 8; I = 12; A = 40; P = 4
  split("public private third academia citizens", sec, " ")
  split("grant loan procurement prize regulation voucher equity guarantee tax_credit standard grant procurement", kind, " ")
  split("engineering urban_planning social_science economics ecology data_science law design", disc, " ")
  print "/// A synthetic mission with " N " projects, to check that the diagrams stay legible."
  print "import \"std/units\""
  print "unit site"
  print "mission big \"Synthetic mission: " N " projects for clean, green & \\\"liveable\\\" regions\" {"
  print "  challenge \"Climate, biodiversity and the cost of living — all at once\""
  print "  owner     agency0"
  print "  period    2024-01-01 .. 2035-12-31"
  print "  budget    100000 MEUR"
  print "}"
  for (a = 0; a < A; a++) {
    s = sec[a % 5 + 1]
    printf "actor agency%d \"%s actor nº %d <%s>\" { sector %s%s }\n", a, toupper(substr(s, 1, 1)) substr(s, 2), a, s, s, (a >= 5 && a % 7 == 0) ? "; parent agency" (a % 5) : ""
  }
  for (g = 0; g < G; g++) {
    printf "indicator ind%d \"Indicator %d\" { unit site }\n", g, g
    printf "goal goal%d \"Goal %d: restore %d sites & more\" {\n  indicator ind%d\n  baseline 0 site at 2024\n  target %d site by %d\n}\n", g, g, (g + 1) * 10, g, (g + 1) * 10, 2030 + g % 6
  }
  for (p = 0; p < P; p++) {
    printf "phase phase%d \"Phase %d\" { period %d-01 .. %d-12%s }\n", p, p, 2024 + 3 * p, 2026 + 3 * p, p ? "; after phase" (p - 1) : ""
  }
  for (m = 0; m < 20; m++) {
    p = int(m / 5)
    k = m % 5                             # every 7 months inside the phase's 3 years; the last a review
    printf "milestone ms%d \"Milestone %d of the synthetic mission\" { date %d-%02d; phase phase%d%s%s }\n", m, m, 2024 + 3 * p + int(k * 7 / 12), 1 + (k * 7) % 12, p, k ? "; after ms" (m - 1) : "", k == 4 ? "; kind review" : ""
  }
  print "record applicant {\n  tax_haven bool\n  cut %\n}"
  print "condition clean \"No tax haven\" on applicant = not tax_haven"
  for (i = 0; i < I; i++) {
    printf "instrument inst%d \"Instrument %d (%s)\" { kind %s; push %s; by agency%d; budget 5000 MEUR%s }\n", i, i, kind[i + 1], kind[i + 1], (i % 3 == 2) ? "demand" : "supply", (i * 3) % A, (kind[i + 1] == "grant" || kind[i + 1] == "loan" || kind[i + 1] == "equity" || kind[i + 1] == "guarantee") ? "; requires clean" : ""
  }
  for (j = 0; j < N; j++) {              # contributions per goal: the weights add up to 1
    cnt[j % G]++
    if (j % 5 == 0) cnt[(j + 1) % G]++
  }
  for (j = 0; j < N; j++) {
    printf "project proj%d \"Project %d: a bottom-up solution for region %d\" {\n", j, j, j % 97
    printf "  lead %s\n", "agency" (j * 7) % A
    printf "  partners agency%d, agency%d\n", (j * 7 + 1) % A, (j * 7 + 2) % A
    printf "  funded_by inst%d: %d MEUR\n", j % I, 5 + j % 10
    printf "  disciplines %s, %s\n", disc[j % 8 + 1], disc[(j + 3) % 8 + 1]
    if (j % 5 == 0) printf "  contributes goal%d: %.15g, goal%d: %.15g\n", j % G, 1 / cnt[j % G], (j + 1) % G, 1 / cnt[(j + 1) % G]
    else printf "  contributes goal%d: %.15g\n", j % G, 1 / cnt[j % G]
    print "}"
  }
  print "score overall \"Overall progress\" = (progress(goal0) + progress(goal1)) / 2"
  print "score fit on applicant = if tax_haven then 0 else clamp(cut / 10%, 0, 1)"
}

// Deterministic data sets for floe's benchmarks (see docs/BENCHMARKS.md). Layer: bench,
// above formats; used by `floe bench gen` and by the benchmark scripts.
#pragma once

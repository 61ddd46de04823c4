#include "bench/bench_data.h"

// Times Invoke of a model with our interpreter, after one warm-up run, on
// seeded random inputs. Prints {"mean_ms": x, "median_ms": y, "arena_bytes": n}
// like the oracle's --time, so bench scripts can print ratios.
//   time_model MODEL.tflite RUNS [--arithmetic reference|xnnpack] [--reference-kernels] [--threads N]
// --reference-kernels: the exact kernels only (no fast path).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "data/random_fill.h"
#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "util/error.h"
#include "util/thread_pool.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: time_model MODEL.tflite RUNS [--arithmetic reference|xnnpack] [--reference-kernels] [--threads N]\n");
    return 2;
  }
  try {
    tfd::InterpreterOptions options;
    for (int i = 3; i < argc; ++i) {
      if (std::strcmp(argv[i], "--reference-kernels") == 0) {
        options.reference_kernels_only = true;
      } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
        tfd::SetIntraOpThreads(std::stoi(argv[++i]));
      } else if (std::strcmp(argv[i], "--arithmetic") == 0 && i + 1 < argc) {
        auto a = tfd::ParseArithmetic(argv[++i]);
        if (!a) throw tfd::Error(std::string("unknown arithmetic ") + argv[i]);
        options.arithmetic = *a;
      } else {
        throw tfd::Error(std::string("unknown argument ") + argv[i]);
      }
    }
    tfd::Model model = tfd::LoadModel(argv[1]);
    tfd::Interpreter interp(model, options);
    std::mt19937_64 rng(1);
    for (size_t i = 0; i < interp.num_inputs(); ++i) {
      const auto& t = interp.input(i);
      auto bytes = tfd::RandomTensorBytes(t.dtype, t.NumElements(), rng);
      interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
    }
    interp.Invoke();
    const int runs = std::max(1, std::stoi(argv[2]));
    std::vector<double> times;
    for (int r = 0; r < runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      interp.Invoke();
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    double sum = 0;
    for (double t : times) sum += t;
    std::sort(times.begin(), times.end());
    std::printf("{\"mean_ms\": %.4f, \"median_ms\": %.4f, \"arena_bytes\": %zu}\n", sum / runs, times[times.size() / 2],
                interp.arena_bytes());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "time_model: %s\n", e.what());
    return 1;
  }
  return 0;
}

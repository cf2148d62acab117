// Times Invoke of a model with our interpreter, after one warm-up run, on
// seeded random inputs. Prints {"mean_ms": x, "arena_bytes": n} like the
// oracle's --time, so bench scripts can print ratios.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "data/random_fill.h"
#include "format/model_reader.h"
#include "interpreter/interpreter.h"
#include "util/error.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: time_model MODEL.tflite RUNS\n");
    return 2;
  }
  try {
    tfd::Model model = tfd::LoadModel(argv[1]);
    tfd::Interpreter interp(model);
    std::mt19937_64 rng(1);
    for (size_t i = 0; i < interp.num_inputs(); ++i) {
      const auto& t = interp.input(i);
      auto bytes = tfd::RandomTensorBytes(t.dtype, t.NumElements(), rng);
      interp.SetInput(i, t.dtype, t.shape, bytes.data(), bytes.size());
    }
    interp.Invoke();
    const int runs = std::max(1, std::stoi(argv[2]));
    auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < runs; ++r) interp.Invoke();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / runs;
    std::printf("{\"mean_ms\": %.4f, \"arena_bytes\": %zu}\n", ms, interp.arena_bytes());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "time_model: %s\n", e.what());
    return 1;
  }
  return 0;
}

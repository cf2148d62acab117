// Times Invoke of a model with our interpreter, after one warm-up run, on
// seeded random inputs. Prints {"mean_ms": x, "median_ms": y, "cpu_ms": c,
// "arena_bytes": n} like the oracle's --time (cpu_ms: the process's CPU
// time per run, every thread's), so bench scripts can print ratios.
//   time_model MODEL.tflite RUNS [--arithmetic reference|xnnpack] [--reference-kernels] [--threads N] [--per-op|--per-node]
// --reference-kernels: the exact kernels only (no fast path).
// --no-fold: nodes whose inputs are all constant run on every Invoke too
// (InterpreterOptions::fold_constants off), to time what folding saves.
// --per-op: also prints, on stderr, the mean time per run of each operator
// (by name, dtype of its first input and kernel chosen), largest first: the
// time between one node's end and the previous one's, so it is where an
// inference's time goes. --per-node: the same per node (index, shapes).
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <map>
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
    std::fprintf(stderr,
                 "usage: time_model MODEL.tflite RUNS [--arithmetic reference|xnnpack] [--reference-kernels] "
                 "[--no-fold] [--threads N] [--per-op|--per-node]\n");
    return 2;
  }
  try {
    tfd::InterpreterOptions options;
    bool per_op = false, per_node = false;
    for (int i = 3; i < argc; ++i) {
      if (std::strcmp(argv[i], "--reference-kernels") == 0) {
        options.reference_kernels_only = true;
      } else if (std::strcmp(argv[i], "--no-fold") == 0) {
        options.fold_constants = false;
      } else if (std::strcmp(argv[i], "--per-op") == 0) {
        per_op = true;
      } else if (std::strcmp(argv[i], "--per-node") == 0) {
        per_op = per_node = true;
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
    // Per operator: seconds summed over the timed runs, keyed by a label.
    std::map<std::string, double> op_seconds;
    std::chrono::steady_clock::time_point last_end;
    int last_node = -2;
    if (per_op) {
      const tfd::Subgraph& g = model.subgraphs[0];
      interp.SetObserver([&](int subgraph, int node, int, const tfd::RuntimeTensor&) {
        const auto now = std::chrono::steady_clock::now();
        if (subgraph != 0 || node == last_node) return;
        if (node >= 0) {
          const tfd::Operator& op = g.operators[static_cast<size_t>(node)];
          const int32_t in0 = op.inputs.empty() ? -1 : op.inputs[0];
          std::string label = model.op_code(op).Name() + " " +
                              (in0 >= 0 ? tfd::DTypeName(g.tensors[static_cast<size_t>(in0)].dtype) : "-") + " " +
                              interp.kernel_name(node);
          if (per_node) {
            label = "node " + std::to_string(node) + " " + label + " ";
            for (int32_t t : op.inputs)
              if (t >= 0) label += tfd::ShapeString(g.tensors[static_cast<size_t>(t)].shape);
            label += " -> " + tfd::ShapeString(g.tensors[static_cast<size_t>(op.outputs[0])].shape);
          }
          op_seconds[label] += std::chrono::duration<double>(now - last_end).count();
        }
        last_node = node;
        last_end = std::chrono::steady_clock::now();
      });
    }
    const int runs = std::max(1, std::stoi(argv[2]));
    std::vector<double> times;
    timespec cpu0{}, cpu1{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    for (int r = 0; r < runs; ++r) {
      last_node = -2;
      auto start = std::chrono::steady_clock::now();
      interp.Invoke();
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
    const double cpu_ms = ((cpu1.tv_sec - cpu0.tv_sec) * 1e3 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e6) / runs;
    if (per_op) {
      std::vector<std::pair<double, std::string>> rows;
      for (const auto& [label, seconds] : op_seconds) rows.emplace_back(seconds * 1000 / runs, label);
      std::sort(rows.rbegin(), rows.rend());
      for (const auto& [ms, label] : rows) std::fprintf(stderr, "%10.3f ms  %s\n", ms, label.c_str());
    }
    double sum = 0;
    for (double t : times) sum += t;
    std::sort(times.begin(), times.end());
    std::printf("{\"mean_ms\": %.4f, \"median_ms\": %.4f, \"cpu_ms\": %.4f, \"arena_bytes\": %zu}\n", sum / runs,
                times[times.size() / 2], cpu_ms, interp.arena_bytes());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "time_model: %s\n", e.what());
    return 1;
  }
  return 0;
}

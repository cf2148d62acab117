// Whether libjpeg-turbo's scaled decoding (DCT scaling to 1/2, 1/4, 1/8)
// may stand in for a full decode where a large JPEG is shrunk anyway: for
// every photo of a folder, every resize method and corner convention our
// preprocessing supports, and target sizes 224, 96 and 32, it compares
// the model input values from a scaled decode with those from a full
// decode (both libjpeg-turbo, default ISLOW IDCT and fancy upsampling),
// where the scaled image still covers the target. Also: stb_image (our
// decoder) against libjpeg-turbo at full scale, the top-1 of given
// classifiers with each decode, and where an item's time goes (file read,
// decode, preprocessing, model run: thread CPU time).
// Usage: scaled_jpeg_decode DIR_WITH_labels.csv [MAX_PHOTOS] [CLASSIFIER.tflite ...]
#include <cstddef>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>

#include <algorithm>
#include <ctime>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image.h"
#include "data/preprocess.h"
#include "data/preprocess/evaluate.h"
#include "data/preprocess/session.h"
#include "data/resize.h"
#include "util/file_io.h"

namespace {

// Thread CPU time: the steady figure on a shared machine (wall time also
// counts the time other processes held the core).
struct Clock {
  using time_point = double;  // ms
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
};
double Ms(Clock::time_point a, Clock::time_point b) { return b - a; }

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};
void OnJpegError(j_common_ptr cinfo) { std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1); }

// libjpeg-turbo's RGB decode at 1/denom (false when it cannot decode it).
bool DecodeScaled(const std::vector<uint8_t>& bytes, unsigned denom, tfd::Image& out) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = OnJpegError;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB;
  cinfo.scale_num = 1;
  cinfo.scale_denom = denom;
  jpeg_start_decompress(&cinfo);
  out.width = static_cast<int>(cinfo.output_width);
  out.height = static_cast<int>(cinfo.output_height);
  out.channels = 3;
  out.pixels.assign(static_cast<size_t>(out.width) * out.height * 3, 0);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = &out.pixels[static_cast<size_t>(cinfo.output_scanline) * out.width * 3];
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

struct Tally {
  size_t items = 0, same_float = 0, same_u8 = 0;
  double max_abs = 0, sum_abs = 0;
  size_t values = 0;
};

void Compare(const std::vector<float>& a, const std::vector<float>& b, Tally& t) {
  ++t.items;
  bool same_float = a.size() == b.size(), same_u8 = same_float;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (a[i] != b[i]) same_float = false;
    if (std::lround(std::clamp(a[i], 0.0f, 255.0f)) != std::lround(std::clamp(b[i], 0.0f, 255.0f))) same_u8 = false;
    t.max_abs = std::max(t.max_abs, d);
    t.sum_abs += d;
    ++t.values;
  }
  t.same_float += same_float;
  t.same_u8 += same_u8;
}

size_t ArgMax(const std::vector<float>& v) {
  return static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tfd;
  if (argc < 2) {
    std::fprintf(stderr, "usage: scaled_jpeg_decode DIR [MAX_PHOTOS] [CLASSIFIER.tflite ...]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const size_t max_photos = argc > 2 ? std::stoul(argv[2]) : 500;
  std::vector<std::string> photos;
  {
    std::ifstream csv(dir + "/labels.csv");
    std::string line;
    std::getline(csv, line);
    while (std::getline(csv, line) && photos.size() < max_photos) photos.push_back(dir + "/" + line.substr(0, line.find(',')));
  }
  struct Classifier {
    std::unique_ptr<ModelSession> session;
    PreprocessSpec spec;
    std::map<unsigned, std::pair<size_t, size_t>> changed;  // denom -> {items, top-1 changed}
    double preprocess_ms = 0, run_ms = 0;
    double to_float_ms = 0, resize_ms = 0;  // parts of preprocess_ms, timed apart
  };
  std::vector<Classifier> classifiers;
  for (int i = 3; i < argc; ++i) {
    Classifier c;
    c.session = std::make_unique<ModelSession>(argv[i]);
    c.spec = ResolveSpec("auto", *c.session).spec;
    classifiers.push_back(std::move(c));
  }
  // Every resize our preprocessing supports, stretched to the target; and
  // the center crop with the common two.
  std::vector<std::pair<std::string, PreprocessSpec>> specs;
  for (ResizeMethod m : {ResizeMethod::kBilinear, ResizeMethod::kNearest, ResizeMethod::kArea})
    for (ResizeCoordinates c : {ResizeCoordinates::kHalfPixel, ResizeCoordinates::kAlignCorners,
                                ResizeCoordinates::kAsymmetric, ResizeCoordinates::kPil, ResizeCoordinates::kOpenCv,
                                ResizeCoordinates::kLibyuv}) {
      if (c == ResizeCoordinates::kLibyuv && m != ResizeMethod::kBilinear) continue;
      PreprocessSpec s;
      s.resize = m;
      s.coordinates = c;
      specs.push_back({ResizeMethodName(m) + "/" + ResizeCoordinatesName(c) + "/stretch", s});
      if (c == ResizeCoordinates::kHalfPixel || c == ResizeCoordinates::kPil) {
        s.fit = Fit::kCenterCrop;
        specs.push_back({ResizeMethodName(m) + "/" + ResizeCoordinatesName(c) + "/center_crop", s});
      }
    }
  const int sizes[] = {224, 96, 32};
  const unsigned denoms[] = {2, 4, 8};
  std::map<std::string, Tally> tallies;  // "size spec 1/d"
  Tally stb_vs_turbo;
  double read_ms = 0, stb_ms = 0, turbo_ms = 0;
  std::map<unsigned, double> scaled_ms;
  size_t decoded = 0, undecodable = 0;
  for (const std::string& path : photos) {
    auto t0 = Clock::now();
    const std::vector<uint8_t> bytes = ReadFileBytes(path);
    auto t1 = Clock::now();
    Image stb;
    try {
      stb = DecodeImageBytes(bytes, path);
    } catch (const std::exception& e) {
      ++undecodable;
      continue;
    }
    auto t2 = Clock::now();
    Image full;
    if (!DecodeScaled(bytes, 1, full)) {
      ++undecodable;
      continue;
    }
    auto t3 = Clock::now();
    read_ms += Ms(t0, t1), stb_ms += Ms(t1, t2), turbo_ms += Ms(t2, t3);
    ++decoded;
    {
      Image s3 = ConvertChannels(stb, 3);
      std::vector<float> a(s3.pixels.begin(), s3.pixels.end()), b(full.pixels.begin(), full.pixels.end());
      Compare(a, b, stb_vs_turbo);
    }
    std::map<unsigned, Image> scaled;
    for (unsigned d : denoms) {
      auto s0 = Clock::now();
      if (DecodeScaled(bytes, d, scaled[d])) scaled_ms[d] += Ms(s0, Clock::now());
    }
    for (int size : sizes) {
      InputTarget target;
      target.image_like = true;
      target.height = target.width = size;
      target.channels = 3;
      target.shape = {1, size, size, 3};
      for (const auto& [name, spec] : specs) {
        std::vector<float> reference;
        for (unsigned d : denoms) {
          const Image& img = scaled[d];
          // Only where the scaled image still covers the target (a large
          // JPEG reduced anyway).
          if (img.width < size || img.height < size) continue;
          if (reference.empty()) reference = PreprocessImageValues(full, spec, target);
          Compare(reference, PreprocessImageValues(img, spec, target),
                  tallies[std::to_string(size) + " " + name + " 1/" + std::to_string(d)]);
        }
      }
    }
    for (Classifier& c : classifiers) {
      const InputTarget& target = c.session->target();
      auto p0 = Clock::now();
      const TensorData in = c.session->Prepare(Sample(stb), c.spec, path);
      auto p1 = Clock::now();
      const size_t top_stb = ArgMax(c.session->Run(in));
      auto p2 = Clock::now();
      c.preprocess_ms += Ms(p0, p1), c.run_ms += Ms(p1, p2);
      {
        // The preprocessing's two big steps again, alone: channels and
        // float conversion, then the resize to the input (stretch).
        auto q0 = Clock::now();
        const FloatImage f = ToFloatImage(ConvertChannels(stb, target.channels));
        auto q1 = Clock::now();
        const FloatImage r = Resize(f, target.width, target.height, c.spec.resize, c.spec.coordinates);
        auto q2 = Clock::now();
        c.to_float_ms += Ms(q0, q1), c.resize_ms += Ms(q1, q2);
      }
      const size_t top_full = ArgMax(c.session->Run(c.session->Prepare(Sample(full), c.spec, path)));
      auto& vs_stb = c.changed[1];
      ++vs_stb.first;
      vs_stb.second += top_full != top_stb;
      for (unsigned d : denoms) {
        const Image& img = scaled[d];
        if (img.width < target.width || img.height < target.height) continue;
        auto& t = c.changed[d];
        ++t.first;
        t.second += ArgMax(c.session->Run(c.session->Prepare(Sample(img), c.spec, path))) != top_full;
      }
    }
  }
  std::printf("photos decoded: %zu (undecodable: %zu)\n", decoded, undecodable);
  std::printf("per photo: read %.2f ms, stb_image decode %.2f ms, libjpeg-turbo full %.2f ms", read_ms / decoded,
              stb_ms / decoded, turbo_ms / decoded);
  for (unsigned d : denoms) std::printf(", 1/%u %.2f ms", d, scaled_ms[d] / decoded);
  std::printf("\n");
  std::printf("stb_image vs libjpeg-turbo full decode: %zu of %zu photos identical, max |diff| %.0f, mean |diff| %.4f\n",
              stb_vs_turbo.same_float, stb_vs_turbo.items, stb_vs_turbo.max_abs,
              stb_vs_turbo.sum_abs / std::max<size_t>(1, stb_vs_turbo.values));
  std::printf("%-44s %6s %10s %10s %9s %10s\n", "target spec scale", "items", "same_f32", "same_u8", "max|d|",
              "mean|d|");
  for (const auto& [key, t] : tallies)
    std::printf("%-44s %6zu %10zu %10zu %9.3f %10.4f\n", key.c_str(), t.items, t.same_float, t.same_u8, t.max_abs,
                t.sum_abs / std::max<size_t>(1, t.values));
  for (size_t i = 0; i < classifiers.size(); ++i) {
    const Classifier& c = classifiers[i];
    std::printf("%s (auto: %s): preprocess %.2f ms (alone: to float %.2f, resize %.2f), run %.2f ms per photo\n",
                argv[3 + i], DescribeSpec(c.spec).c_str(), c.preprocess_ms / decoded, c.to_float_ms / decoded,
                c.resize_ms / decoded, c.run_ms / decoded);
    for (const auto& [d, t] : c.changed)
      std::printf("  top-1 changed %s: %zu of %zu\n",
                  d == 1 ? "stb_image -> libjpeg-turbo full" : ("full -> 1/" + std::to_string(d)).c_str(), t.second,
                  t.first);
  }
  return 0;
}

#include "bench/clickstream_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "base/civil_time.h"
#include "base/error.h"

namespace floe::bench {

using columnar::Batch;
using columnar::Column;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TypeId;

namespace {

constexpr int64_t kUsers = 10'000'000;
constexpr int64_t kElements = 100'000;
constexpr int kUrls = 5000;
constexpr int64_t kMicrosPerHour = 3'600'000'000LL;
constexpr int64_t kVisitMicros = 30LL * 60 * 1'000'000;
// Coprime with 10^7, so rank -> id is a bijection that scatters the popular users.
constexpr int64_t kUserScatter = 7'919'993;

// Relative clicks per hour of the day (UTC): quiet nights, a morning rise, the peak
// mid-afternoon. Integers, so the split of rows over hours is exact on any machine.
constexpr std::array<int64_t, 24> kHourWeights = {20, 14, 10, 8,  8,  10, 16, 26, 38, 50, 58, 64,
                                                  68, 72, 78, 84, 88, 86, 80, 70, 60, 50, 40, 28};

constexpr std::string_view kCountries[] = {
    "US", "IN", "GB", "DE", "BR", "FR", "JP", "CA", "CN", "RU", "IT", "ES", "MX", "KR", "AU",
    "NL", "ID", "TR", "PL", "SE", "AR", "CH", "BE", "PH", "VN", "TH", "ZA", "NG", "EG", "PK",
    "BD", "CO", "CL", "PE", "UA", "RO", "CZ", "PT", "GR", "HU", "AT", "DK", "FI", "NO", "IE",
    "IL", "SA", "AE", "MY", "SG", "NZ", "HK", "TW", "KE", "MA", "DZ", "TN", "GH", "ET", "TZ",
    "UG", "VE", "EC", "BO", "PY", "UY", "CR", "PA", "GT", "HN", "SV", "NI", "DO", "CU", "JM",
    "TT", "PR", "BS", "BB", "HT", "IR", "IQ", "SY", "JO", "LB", "KW", "QA", "BH", "OM", "YE",
    "AF", "NP", "LK", "MM", "KH", "LA", "MN", "KZ", "UZ", "KG", "TJ", "TM", "AZ", "GE", "AM",
    "BY", "MD", "LT", "LV", "EE", "SK", "SI", "HR", "BA", "RS", "ME", "MK", "AL", "BG", "CY",
    "MT", "IS", "LU", "LI", "MC", "AD", "SM", "SN", "CI", "CM", "AO", "MZ", "ZM", "ZW", "BW",
    "NA", "MG", "MU", "RW", "BI", "SO", "SD", "SS", "LY", "ML", "NE", "BF", "TD", "CF", "CG",
    "CD", "GA", "GQ", "BJ", "TG", "LR", "SL", "GN", "GW", "GM", "CV", "MR", "ER", "DJ", "KM",
    "SC", "LS", "SZ", "MW", "FJ", "PG", "SB", "VU", "WS", "TO", "KI", "FM", "MH", "PW", "NR",
    "TV", "BN", "TL", "BT", "MV", "GY", "SR", "BZ", "GD", "LC", "VC", "AG", "DM", "KN", "AW",
    "CW", "GL", "FO", "GI", "BM"};

constexpr std::string_view kReferrers[] = {
    "https://www.google.com/",          "https://www.bing.com/",
    "https://duckduckgo.com/",          "https://www.facebook.com/",
    "https://t.co/",                    "https://www.instagram.com/",
    "https://www.reddit.com/",          "https://www.youtube.com/",
    "https://news.ycombinator.com/",    "https://www.linkedin.com/",
    "https://mail.google.com/",         "https://search.yahoo.com/",
    "https://www.pinterest.com/",       "https://www.tiktok.com/",
    "https://www.baidu.com/",           "https://yandex.ru/",
    "https://www.ecosia.org/",          "https://search.brave.com/",
    "https://outlook.live.com/",        "https://www.producthunt.com/",
    "https://medium.com/",              "https://github.com/",
    "https://stackoverflow.com/",       "https://www.quora.com/",
    "https://www.tumblr.com/",          "https://www.twitch.tv/",
    "https://discord.com/",             "https://web.whatsapp.com/",
    "https://web.telegram.org/",        "https://www.naver.com/",
    "https://shop.example.com/",        "https://shop.example.com/search",
    "https://shop.example.com/deals",   "https://shop.example.com/cart",
    "https://blog.example.com/",        "https://newsletter.example.com/weekly",
    "https://partners.example.net/ref", "https://ads.example.net/click",
    "https://www.amazon.com/",          "https://www.ebay.com/"};

constexpr std::string_view kSections[] = {"product", "category", "blog",  "help",  "account",
                                          "cart",    "search",   "deals", "brand", "store"};
constexpr std::string_view kWords[] = {
    "red",   "blue",   "green", "classic", "smart", "wireless", "organic", "pro",   "mini",
    "ultra", "vintage", "eco",  "sport",   "home",  "travel",   "kids",    "power", "cozy",
    "shoe",  "jacket", "lamp",  "phone",   "chair", "watch",    "bag",     "desk",  "mug",
    "guide", "review", "faq",   "returns", "sale",  "gift",     "set",     "kit",   "pack"};

constexpr std::string_view kButtons[] = {"buy", "add_to_cart", "wishlist", "share",
                                         "details", "compare", "subscribe", "close"};
constexpr std::string_view kLangs[] = {"en", "de", "fr", "es", "pt", "ja", "hi", "it", "nl", "ko"};

// ---------------------------------------------------------------------------------------
// Randomness: splitmix64 for seeding and hashing, xoshiro256** for streams. Integer-only
// and fully specified, unlike std:: distributions whose output varies by library.

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0xd6e8feb86659fd93ULL);
  return splitmix64(x);
}

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) (Lemire's multiply; the bias is below 2^-32 for our n).
  uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Walker/Vose alias table: O(1) draws from a fixed discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights) {
    const size_t n = weights.size();
    double total = 0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    for (size_t i = 0; i < n; ++i) scaled[i] = weights[i] * double(n) / total;
    threshold_.assign(n, uint64_t(1) << 32);
    alias_.resize(n);
    for (size_t i = 0; i < n; ++i) alias_[i] = uint32_t(i);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) (scaled[i] < 1.0 ? small : large).push_back(uint32_t(i));
    while (!small.empty() && !large.empty()) {
      uint32_t s = small.back(), l = large.back();
      small.pop_back();
      threshold_[s] = uint64_t(scaled[s] * 4294967296.0);
      alias_[s] = l;
      scaled[l] -= 1.0 - scaled[s];
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // Leftovers (rounding) keep threshold 2^32: always themselves.
  }
  // A 0-based index.
  uint32_t sample(Xoshiro256& rng) const {
    uint64_t r = rng.next();
    uint32_t i = uint32_t((r >> 32) * alias_.size() >> 32);
    return (r & 0xffffffffULL) < threshold_[i] ? i : alias_[i];
  }

 private:
  std::vector<uint64_t> threshold_;  // accept i when the low 32 bits are below this
  std::vector<uint32_t> alias_;
};

std::vector<double> zipf_weights(size_t n, double s) {
  std::vector<double> w(n);
  for (size_t k = 0; k < n; ++k) w[k] = 1.0 / std::pow(double(k + 1), s);
  return w;
}

// Zipf over 1..n by rejection-inversion (Hörmann & Derflinger 1996, as in Apache Commons
// RNG): O(1) per draw without a table, for n too large for an alias table.
class ZipfSampler {
 public:
  ZipfSampler(int64_t n, double s) : n_(n), s_(s) {
    h_x1_ = h_integral(1.5) - 1.0;
    h_n_ = h_integral(double(n) + 0.5);
    t_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
  }
  int64_t sample(Xoshiro256& rng) const {
    while (true) {
      double u = h_n_ + rng.uniform() * (h_x1_ - h_n_);
      double x = h_integral_inverse(u);
      int64_t k = int64_t(x + 0.5);
      if (k < 1) k = 1;
      if (k > n_) k = n_;
      if (double(k) - x <= t_ || u >= h_integral(double(k) + 0.5) - h(double(k))) return k;
    }
  }

 private:
  double h(double x) const { return std::exp(-s_ * std::log(x)); }
  double h_integral(double x) const {
    double lx = std::log(x);
    return helper2((1.0 - s_) * lx) * lx;
  }
  double h_integral_inverse(double x) const {
    double t = x * (1.0 - s_);
    if (t < -1.0) t = -1.0;
    return std::exp(helper1(t) * x);
  }
  static double helper1(double x) {
    return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
  }
  static double helper2(double x) {
    return std::abs(x) > 1e-8 ? std::expm1(x) / x
                              : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
  }

  int64_t n_;
  double s_;
  double h_x1_, h_n_, t_;
};

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_hex64(char* dst, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    dst[i] = kHex[v & 15];
    v >>= 4;
  }
}

std::vector<std::string> make_urls() {
  std::vector<std::string> urls;
  urls.reserve(kUrls);
  uint64_t h = 0x5eed0f0155ULL;  // fixed: the URL set is part of the data set's definition
  constexpr size_t kNumWords = std::size(kWords);
  for (int i = 0; i < kUrls; ++i) {
    uint64_t r = splitmix64(h);
    std::string u = "https://shop.example.com/";
    u += kSections[r % std::size(kSections)];
    u += '/';
    u += kWords[(r >> 8) % kNumWords];
    u += '-';
    u += kWords[(r >> 16) % kNumWords];
    u += '-';
    append_int(u, i + 1);
    urls.push_back(std::move(u));
  }
  return urls;
}

}  // namespace

Schema clickstream_schema() {
  Schema s;
  s.fields = {
      Field("click_id", DataType(TypeId::kInt64)),
      Field("ts", DataType::timestamp()),
      Field("user_id", DataType(TypeId::kInt64)),
      Field("session_id", DataType(TypeId::kString)),
      Field("element_id", DataType(TypeId::kInt32)),
      Field("page_url", DataType(TypeId::kString)),
      Field("referrer", DataType(TypeId::kString)),
      Field("device", DataType(TypeId::kString)),
      Field("country", DataType(TypeId::kString)),
      Field("duration_ms", DataType(TypeId::kInt32)),
      Field("properties", DataType(TypeId::kString)),
  };
  return s;
}

struct ClickstreamGenerator::State {
  uint64_t seed;
  int64_t rows;
  int days;
  int32_t start_day;
  int hour_index = 0;  // next hour to generate, 0 .. days*24
  Schema schema = clickstream_schema();
  ZipfSampler users{kUsers, 0.8};
  AliasTable elements{zipf_weights(kElements, 1.0)};
  AliasTable urls_dist{zipf_weights(kUrls, 0.9)};
  AliasTable countries{zipf_weights(std::size(kCountries), 1.1)};
  AliasTable referrers{zipf_weights(std::size(kReferrers), 1.0)};
  std::vector<std::string> urls = make_urls();
  std::vector<uint64_t> offsets;  // per-hour timestamp offsets, reused
  std::string text;               // per-row scratch, reused

  // First row (0-based) of hour `h` of the run: rows split in proportion to the
  // cumulative hour weights, in exact integer arithmetic.
  int64_t first_row(int64_t h) const {
    int64_t day_weight = 0, cum = 0;
    for (size_t i = 0; i < kHourWeights.size(); ++i) {
      day_weight += kHourWeights[i];
      if (int64_t(i) < h % 24) cum += kHourWeights[i];
    }
    __int128 num = (__int128)rows * ((h / 24) * day_weight + cum);
    return int64_t(num / ((__int128)day_weight * days));
  }
};

ClickstreamGenerator::ClickstreamGenerator(uint64_t seed, int64_t rows, int days,
                                           std::string start_date) {
  if (rows < 0) throw InvalidInputError(fmt::format("clickstream: rows must be >= 0, got {}", rows));
  if (days < 1) throw InvalidInputError(fmt::format("clickstream: days must be >= 1, got {}", days));
  auto start = parse_date(start_date);
  if (!start)
    throw InvalidInputError(
        fmt::format("clickstream: start date '{}' is not YYYY-MM-DD", start_date));
  state_ = std::make_unique<State>();
  state_->seed = seed;
  state_->rows = rows;
  state_->days = days;
  state_->start_day = *start;
}

ClickstreamGenerator::~ClickstreamGenerator() = default;
ClickstreamGenerator::ClickstreamGenerator(ClickstreamGenerator&&) noexcept = default;
ClickstreamGenerator& ClickstreamGenerator::operator=(ClickstreamGenerator&&) noexcept = default;

int32_t ClickstreamGenerator::start_day() const { return state_->start_day; }
int64_t ClickstreamGenerator::rows() const { return state_->rows; }
int ClickstreamGenerator::days() const { return state_->days; }

bool ClickstreamGenerator::next_hour(Batch& out, int* day, int* hour) {
  State& st = *state_;
  if (st.hour_index >= st.days * 24) return false;
  const int h = st.hour_index++;
  *day = h / 24;
  *hour = h % 24;
  const int64_t first = st.first_row(h);
  const int64_t n = st.first_row(h + 1) - first;
  out = Batch::empty_of(st.schema);
  for (auto& c : out.columns) c.reserve(n);
  // String bytes per row, roughly, so the vectors do not regrow while filling.
  constexpr std::array<std::pair<int, int>, 6> kStringBytes = {
      {{3, 32}, {5, 56}, {6, 24}, {7, 7}, {8, 2}, {10, 96}}};
  for (auto [column, bytes] : kStringBytes)
    out.columns[size_t(column)].data_buffer().reserve(size_t(n) * size_t(bytes));
  if (n == 0) return true;

  Xoshiro256 rng(mix(st.seed, uint64_t(h) + 1));
  const int64_t hour_start = (int64_t(st.start_day) * 24 + h) * kMicrosPerHour;
  st.offsets.resize(size_t(n));
  for (auto& o : st.offsets) o = rng.below(uint64_t(kMicrosPerHour));
  std::sort(st.offsets.begin(), st.offsets.end());

  Column& click_id = out.columns[0];
  Column& ts = out.columns[1];
  Column& user_id = out.columns[2];
  Column& session_id = out.columns[3];
  Column& element_id = out.columns[4];
  Column& page_url = out.columns[5];
  Column& referrer = out.columns[6];
  Column& device = out.columns[7];
  Column& country = out.columns[8];
  Column& duration_ms = out.columns[9];
  Column& properties = out.columns[10];

  double spare_normal = 0;
  bool have_spare = false;
  std::string& text = st.text;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = hour_start + int64_t(st.offsets[size_t(i)]);
    click_id.append<int64_t>(first + i + 1);
    ts.append<int64_t>(t);

    const int64_t rank = st.users.sample(rng);
    const int64_t user = (rank - 1) * kUserScatter % kUsers + 1;
    user_id.append<int64_t>(user);

    // A visit is the user's 30-minute window (with a per-user phase), so a user's clicks
    // close together share a session and later ones start a new one.
    const uint64_t phase = mix(uint64_t(user), 0x5e55) % uint64_t(kVisitMicros);
    const uint64_t visit = (uint64_t(t) + phase) / uint64_t(kVisitMicros);
    char sid[32];
    append_hex64(sid, mix(st.seed ^ uint64_t(user), visit));
    append_hex64(sid + 16, mix(visit ^ 0xc1c1c1c1ULL, uint64_t(user) ^ st.seed));
    session_id.append_string(std::string_view(sid, 32));

    element_id.append<int32_t>(int32_t(st.elements.sample(rng) + 1));
    page_url.append_string(st.urls[st.urls_dist.sample(rng)]);

    const uint64_t r = rng.next();
    if (r % 1000 < 300)
      referrer.append_null();
    else
      referrer.append_string(kReferrers[st.referrers.sample(rng)]);
    const uint64_t d = (r >> 20) % 100;
    device.append_string(d < 55 ? "desktop" : d < 93 ? "mobile" : "tablet");
    country.append_string(kCountries[st.countries.sample(rng)]);

    // Log-normal duration: median 4 s, sigma 1.1; Box-Muller normals, used in pairs.
    double z;
    if (have_spare) {
      z = spare_normal;
      have_spare = false;
    } else {
      double u1 = 1.0 - rng.uniform();  // (0, 1]
      double u2 = rng.uniform();
      double rad = std::sqrt(-2.0 * std::log(u1));
      z = rad * std::cos(2 * M_PI * u2);
      spare_normal = rad * std::sin(2 * M_PI * u2);
      have_spare = true;
    }
    double ms = std::exp(std::log(4000.0) + 1.1 * z);
    duration_ms.append<int32_t>(int32_t(std::clamp(ms, 20.0, 3'600'000.0)));

    // properties: 3-6 keys, a rotating window over a fixed key order.
    const uint64_t p = rng.next();
    const int nkeys = 3 + int(p % 4);
    const int start = int((p >> 8) % 8);
    text.clear();
    text += '{';
    for (int k = 0; k < nkeys; ++k) {
      if (k) text += ',';
      const uint64_t bits = p >> (16 + 6 * k);
      switch ((start + k) % 8) {
        case 0:
          text += "\"btn\":\"";
          text += kButtons[bits % std::size(kButtons)];
          text += '"';
          break;
        case 1:
          text += "\"pos\":";
          append_int(text, int64_t(bits % 48));
          break;
        case 2: text += (bits & 1) ? "\"ab\":\"B\"" : "\"ab\":\"A\""; break;
        case 3: {
          text += "\"scroll\":0.";
          int pct = int(bits % 100);
          text += char('0' + pct / 10);
          text += char('0' + pct % 10);
          break;
        }
        case 4:
          text += "\"lang\":\"";
          text += kLangs[bits % std::size(kLangs)];
          text += '"';
          break;
        case 5:
          text += "\"ver\":\"2.";
          append_int(text, int64_t(bits % 7));
          text += '.';
          append_int(text, int64_t((bits >> 3) % 5));
          text += '"';
          break;
        case 6: text += (bits & 1) ? "\"theme\":\"dark\"" : "\"theme\":\"light\""; break;
        case 7: text += (bits & 1) ? "\"logged_in\":true" : "\"logged_in\":false"; break;
      }
    }
    text += '}';
    properties.append_string(text);
  }
  out.rows_without_columns = n;
  return true;
}

}  // namespace floe::bench

// Weight stage of hw::compile(): every synapse's weight as an int8 in its post population's LSB.
#include <algorithm>
#include <cmath>

#include "compile_stages.hpp"

namespace spikeforge::hw::detail {

void quantise_weights(CoreImage& img, QuantisationReport& rep) {
  const CoreGeometry& geo = img.geometry;
  const auto n_core = static_cast<std::size_t>(geo.n);
  std::vector<std::uint8_t> taken(img.weights.size(), 0);
  for (std::size_t j = 0; j < img.projections.size(); ++j) {
    auto& cp = img.projections[j];
    const std::string object = quoted("projection", cp.name);
    const auto& post = img.populations[cp.post_index];
    const std::uint32_t src0 = cp.pre_is_source ? static_cast<std::uint32_t>(geo.n) + img.sources[cp.pre_index].first_axon
                                                : img.populations[cp.pre_index].first;
    const auto& syn = cp.synapses;
    WeightReport wr;
    wr.projection = cp.name;
    wr.synapses = syn.size();
    wr.lsb = post.i_lsb;
    double sum_abs = 0.0, sum_rel2 = 0.0;
    std::size_t nonzero = 0;
    cp.src.resize(syn.size());
    cp.dst.resize(syn.size());
    for (std::size_t k = 0; k < syn.size(); ++k) {
      const std::uint32_t s = src0 + syn.pre[k];
      const std::uint32_t d = post.first + syn.post[k];
      const std::size_t at = static_cast<std::size_t>(s) * n_core + d;
      if (taken[at]) {
        refuse(object, "synapse " + std::to_string(syn.pre[k]) + " -> " + std::to_string(syn.post[k]) +
                           " is a second synapse between one pair: the core holds one weight per pair");
      }
      taken[at] = 1;
      const double raw = syn.weight[k] / post.i_lsb;
      const std::int64_t wi = static_cast<std::int64_t>(std::nearbyint(raw));
      if (wi < -128 || wi > 127) {
        refuse(object, "weight = " + num(syn.weight[k]) + " is " + num(raw) +
                           " weight steps after scaling: beyond the core's 8-bit range [-128, 127]");
      }
      img.weights[at] = static_cast<std::int8_t>(wi);
      cp.src[k] = static_cast<std::uint16_t>(s);
      cp.dst[k] = static_cast<std::uint16_t>(d);
      const double err = std::abs(static_cast<double>(wi) * post.i_lsb - syn.weight[k]);
      wr.max_abs_error = std::max(wr.max_abs_error, err);
      sum_abs += err;
      if (syn.weight[k] != 0.0) {
        ++nonzero;
        sum_rel2 += (err / std::abs(syn.weight[k])) * (err / std::abs(syn.weight[k]));
        if (wi == 0) ++wr.rounded_to_zero;
      }
    }
    if (syn.size() > 0) wr.mean_abs_error = sum_abs / static_cast<double>(syn.size());
    if (nonzero > 0) wr.rms_relative_error = std::sqrt(sum_rel2 / static_cast<double>(nonzero));
    rep.weights.push_back(wr);
  }
}

}  // namespace spikeforge::hw::detail

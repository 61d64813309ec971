#include <spikeforge/engine/neuron_group.hpp>
#include <spikeforge/neurons/izhikevich.hpp>
#include <spikeforge/neurons/lif_adaptive_threshold.hpp>
#include <spikeforge/neurons/lif_cond_exp.hpp>
#include <spikeforge/neurons/lif_curr_exp.hpp>
#include <spikeforge/neurons/lif_delta.hpp>

#include <string>

namespace spikeforge::engine {

namespace {
template <class F>
auto dispatch(std::string_view model, F&& f) {
  if (model == neurons::LifCurrExp::model_name) return f(static_cast<neurons::LifCurrExp*>(nullptr));
  if (model == neurons::LifCondExp::model_name) return f(static_cast<neurons::LifCondExp*>(nullptr));
  if (model == neurons::LifDelta::model_name) return f(static_cast<neurons::LifDelta*>(nullptr));
  if (model == neurons::LifAdaptiveThreshold::model_name) return f(static_cast<neurons::LifAdaptiveThreshold*>(nullptr));
  if (model == neurons::Izhikevich::model_name) return f(static_cast<neurons::Izhikevich*>(nullptr));
  return f(static_cast<void*>(nullptr));
}
}  // namespace

std::span<const std::string_view> kernel_parameter_names(std::string_view model) {
  return dispatch(model, []<class K>(K*) -> std::span<const std::string_view> {
    if constexpr (std::is_void_v<K>) return {};
    else return K::parameter_names;
  });
}

std::unique_ptr<NeuronGroup> make_neuron_group(std::string_view model, const neurons::ParameterSet& p, double dt) {
  return dispatch(model, [&]<class K>(K*) -> std::unique_ptr<NeuronGroup> {
    if constexpr (std::is_void_v<K>) {
      throw Error("engine: no kernel for neuron model '" + std::string(model) + "'");
    } else {
      return std::make_unique<KernelGroup<K>>(p, dt);
    }
  });
}

}  // namespace spikeforge::engine

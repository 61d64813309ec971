// A population's neurons behind one small virtual interface, so the engine steps any model with
// one indirect call per population and step while the per-neuron loop stays inlined in the kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include <spikeforge/neurons/kernel_support.hpp>

namespace spikeforge::engine {

class NeuronGroup {
public:
  virtual ~NeuronGroup() = default;
  virtual std::string_view model() const noexcept = 0;
  virtual std::size_t size() const noexcept = 0;
  /// State variable by name (throws Error for a name the model does not have).
  virtual std::span<double> state(std::string_view name) = 0;
  virtual std::span<const std::string_view> state_names() const noexcept = 0;
  virtual void clear_refractory() noexcept = 0;
  /// Per neuron the first step it integrates again (refractory models; empty otherwise).
  virtual std::span<double> refractory_until() noexcept = 0;
  /// The state a receptor's input adds into when the step is given no input slots (the engine's
  /// direct input), or nullptr when the model takes input only through slots (lif_delta and
  /// izhikevich, whose input jumps v before the threshold check).
  virtual double* direct_input(std::size_t receptor) noexcept = 0;
  /// One step, number `step` (consecutive from 0 for each neuron; it places refractory periods), of
  /// neurons [begin, end); arrays indexed by neuron id, spiking ids (absolute) written to
  /// spiked[0...]; returns their number. Results do not depend on the range split. Leaves
  /// in_exc/in_inh +0.0 over [begin, end) (the engine relies on it to clear its ring slot).
  virtual std::size_t step_range(std::uint64_t step, std::size_t begin, std::size_t end, double* in_exc,
                                 double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept = 0;
};

template <class Kernel>
class KernelGroup final : public NeuronGroup {
public:
  KernelGroup(const neurons::ParameterSet& p, double dt) : kernel_(p, dt) {}
  std::string_view model() const noexcept override { return Kernel::model_name; }
  std::size_t size() const noexcept override { return kernel_.size(); }
  std::span<double> state(std::string_view name) override { return kernel_.state(name); }
  std::span<const std::string_view> state_names() const noexcept override { return Kernel::state_names; }
  void clear_refractory() noexcept override { kernel_.clear_refractory(); }
  std::span<double> refractory_until() noexcept override { return kernel_.refractory_until(); }
  double* direct_input(std::size_t receptor) noexcept override {
    if constexpr (requires { kernel_.input_state(receptor); }) return kernel_.input_state(receptor).data();
    else return nullptr;
  }
  std::size_t step_range(std::uint64_t step, std::size_t begin, std::size_t end, double* in_exc, double* in_inh,
                         const double* i_ext, std::uint32_t* spiked) noexcept override {
    return kernel_.step_range(step, begin, end, in_exc, in_inh, i_ext, spiked);
  }

private:
  Kernel kernel_;
};

/// The parameter names the kernel of `model` needs; empty for an unknown model.
std::span<const std::string_view> kernel_parameter_names(std::string_view model);

/// A group running `model` ("lif_curr_exp", "lif_cond_exp", "lif_delta", "lif_adaptive_threshold",
/// "izhikevich") with per-neuron parameters `p`; throws Error for an unknown model.
std::unique_ptr<NeuronGroup> make_neuron_group(std::string_view model, const neurons::ParameterSet& p, double dt);

}  // namespace spikeforge::engine

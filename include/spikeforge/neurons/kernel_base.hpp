// What every neuron kernel does besides its physics, written once: stepping a range of neurons,
// the choice of compiled loop for the step's inputs, the SIMD pack / scalar tail loop, refractory
// bookkeeping and state lookup by name. A model (lif_curr_exp.hpp, ...) derives from
// KernelBase<Model> and supplies only its names, its coefficients and its update; docs/models.md
// ("How to add a neuron model") walks through one.
//
// The contract a model fulfils (the base reads these when it is instantiated; states() and
// update() may be private with `friend KernelBase<Model>`):
//   static constexpr std::string_view model_name;                   the name in model/
//   static constexpr std::array<std::string_view, P> parameter_names;
//   static constexpr std::array<std::string_view, S> state_names;   state_names[0] == "v"
//   static constexpr bool refractory;   true: v is held at v_reset for round(tau_refrac/dt) steps
//                                       after a spike (parameters v_reset and tau_refrac);
//                                       false: the update resets the neuron itself
//   std::array<std::vector<double>*, S> states();   its state arrays, in state_names order
//   template <class Step> std::size_t update(Step s) noexcept;
//                                       the update of neurons [s.begin, s.end) for one step
//                                       (see Step), returning s.lanes(...). Step is taken by
//                                       value: by reference GCC reloads its fields in every pack
//                                       (the stores to state arrays might alias them)
//   optionally std::span<double> input_state(std::size_t receptor);
//                                       the state a receptor's input adds into: a model with it
//                                       also runs without input slots (the engine's direct
//                                       input, Step::input false); one without it always gets slots
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spikeforge/core/error.hpp>
#include <spikeforge/neurons/kernel_support.hpp>
#include <spikeforge/neurons/simd.hpp>

namespace spikeforge::neurons {

/// Refractory period in whole steps (rounded to nearest).
inline double refractory_steps(double tau_refrac, double dt) noexcept { return std::nearbyint(tau_refrac / dt); }

/// One step of neurons [begin, end), as a model's update sees it. The three cases of a step are
/// template arguments, so each has its own loop without those branches:
///   input:   the step reads (and consumes) input slots in_exc/in_inh; false: no slots, the caller
///            adds the input into the model's input_state() after the step;
///   ext:     i_ext (injected current during the step) is given;
///   uniform: every coefficient array holds one shared value (Coef reads it once, before the loop).
template <bool Input, bool Ext, bool Uniform>
struct Step {
  static constexpr bool input = Input, ext = Ext, uniform = Uniform;
  using Coef = simd::Coef<Uniform>;
  std::size_t begin, end;
  double* in_exc;
  double* in_inh;
  const double* i_ext;
  std::uint32_t* spiked;
  const double* until;  // refractory models: the first step each neuron integrates again
  double now;           // this step's number

  /// Runs `update` over the range: on SIMD packs, then scalar on the tail. `update` is a generic
  /// lambda [&]<class T>(std::size_t k) (T: double or simd::Pack) returning the spike condition
  /// of neurons k... as bits (simd::ge_bits); the spiking ids go to spiked[0...], in increasing
  /// order; returns their number. Packs and tail run the same operations (bit-identical results).
  template <class F>
  std::size_t lanes(F&& update) const noexcept {
    return simd::update_range(begin, end, spiked, update);
  }
  /// Refractory models: v_old for the lanes still held in this step, else v_free.
  template <class T>
  T hold(std::size_t k, T v_old, T v_free) const noexcept {
    return simd::select(simd::load<T>(until + k) > now, v_old, v_free);
  }
};

template <class Model>
class KernelBase {
public:
  std::size_t size() const noexcept { return size_; }

  /// A state variable by name (see Model::state_names); throws Error for an unknown one.
  std::span<double> state(std::string_view name) {
    const auto arrays = model().states();
    for (std::size_t i = 0; i < Model::state_names.size(); ++i) {
      if (Model::state_names[i] == name) return *arrays[i];
    }
    throw Error(std::string(Model::model_name) + " kernel: no state variable '" + std::string(name) + "'");
  }

  /// Ends every refractory period (part of setting the initial state).
  void clear_refractory() noexcept { until_.assign(until_.size(), 0.0); }
  /// Refractory models: per neuron the first step it integrates again (empty for the others);
  /// part of the state a checkpoint keeps.
  std::span<double> refractory_until() noexcept { return until_; }

  /// Advances every neuron by one step. in_exc/in_inh: input arriving at the end of the step (the
  /// model's units); the step consumes it: each entry it reads is set to +0.0 in the same pass
  /// (the engine's input ring then needs no separate clear of the slot). Both nullptr: no input
  /// slots, the caller adds the step's input into input_state() after it (models with
  /// input_state() only). i_ext: injected current during the step (nA), or nullptr for none.
  /// Writes the indices of the neurons that spiked to `spiked` (room for size() entries) and
  /// returns their number. The kernel numbers these steps 0, 1, 2, ... itself (its clock); a
  /// caller that numbers steps (the engine) uses step_range() instead.
  std::size_t step(double* in_exc, double* in_inh, const double* i_ext, std::uint32_t* spiked) noexcept {
    return step_range(clock_++, 0, size(), in_exc, in_inh, i_ext, spiked);
  }

  /// Step number `step` of neurons [begin, end) only (a thread's share of the population): the
  /// arrays are indexed by neuron id as in step(), spiking ids (absolute) go to spiked[0...]. A
  /// neuron's steps must be numbered consecutively from 0 (or from any number after
  /// clear_refractory()); the number only places the refractory periods. Each neuron's update is
  /// independent of the range it is advanced in (bit-identical results). Consumes (zeroes)
  /// in_exc/in_inh over [begin, end) only.
  std::size_t step_range(std::uint64_t step, std::size_t begin, std::size_t end, double* in_exc, double* in_inh,
                         const double* i_ext, std::uint32_t* spiked) noexcept {
    constexpr bool direct = requires(Model& m) { m.input_state(std::size_t{0}); };
    const bool input = !direct || in_exc != nullptr;
    return dispatch(input, i_ext != nullptr, [&]<bool Input, bool Ext, bool Uniform>() -> std::size_t {
      if (begin >= end) return 0;
      const Step<Input, Ext, Uniform> s{begin, end, in_exc, in_inh, i_ext, spiked, until_.data(),
                                        static_cast<double>(step)};
      const std::size_t count = model().update(s);
      if constexpr (Model::refractory) reset_spiked<Uniform>(s, count, step);
      return count;
    });
  }

protected:
  /// Reads the population's size and whether every parameter is shared (then each coefficient
  /// array holds one value); for a refractory model also v_reset and the refractory steps.
  KernelBase(const ParameterSet& p, double dt) : size_(neuron_count(p)), uniform_(all_uniform(p)) {
    if constexpr (Model::refractory) {
      v_reset_ = coefficients(p, "v_reset");
      const auto& tau_ref = parameter(p, "tau_refrac");
      ref_steps_.resize(coefficient_count());
      for (std::size_t k = 0; k < ref_steps_.size(); ++k) ref_steps_[k] = refractory_steps(tau_ref[k], dt);
      until_.assign(size_, 0.0);
    }
  }

  /// The per-neuron values of parameter `name` (throws Error when missing or of the wrong length).
  const std::vector<double>& parameter(const ParameterSet& p, std::string_view name) const {
    return neurons::parameter(p, Model::model_name, name, size_);
  }
  /// How many values each coefficient array holds: 1 (or 0 for no neurons) when the parameters
  /// are uniform, else one per neuron.
  std::size_t coefficient_count() const noexcept { return uniform_ ? std::min<std::size_t>(size_, 1) : size_; }
  /// Parameter `name` as a coefficient array (its first coefficient_count() values).
  std::vector<double> coefficients(const ParameterSet& p, std::string_view name) const {
    return head(parameter(p, name), coefficient_count());
  }
  /// A derived coefficient array: out[k] = f(k) for k < coefficient_count().
  template <class F>
  std::vector<double> coefficients(F&& f) const {
    std::vector<double> out(coefficient_count());
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = f(k);
    return out;
  }

private:
  Model& model() noexcept { return static_cast<Model&>(*this); }

  /// The step's three cases as template arguments (see Step); without direct input only the
  /// input == true loops are compiled.
  template <class Impl>
  std::size_t dispatch(bool input, bool ext, Impl&& impl) {
    constexpr bool direct = requires(Model& m) { m.input_state(std::size_t{0}); };
    const auto with = [&]<bool Input>() -> std::size_t {
      if (uniform_) {
        return ext ? impl.template operator()<Input, true, true>() : impl.template operator()<Input, false, true>();
      }
      return ext ? impl.template operator()<Input, true, false>() : impl.template operator()<Input, false, false>();
    };
    if constexpr (direct) {
      if (!input) return with.template operator()<false>();
    }
    return with.template operator()<true>();
  }

  /// What a spike does in a refractory model, for the neurons that spiked in step `step` (ids in
  /// spiked[0, count)): v to v_reset and the start of the refractory period. Refractoriness is
  /// kept as the index of the first step a neuron integrates again ("until", a whole number held
  /// exactly in a double up to 2^53 steps): a neuron is held during step m while until > m. A
  /// spike in step m sets until = m + 1 + refractory steps, so the neuron is held in steps
  /// m + 1 ... m + refractory steps. Only spiking neurons write it, so the per-step pass reads the
  /// array and never stores to it (a countdown would cost a store per neuron and step). 0 ends
  /// every period.
  template <bool Uniform, class S>
  void reset_spiked(const S& s, std::size_t count, std::uint64_t step) noexcept {
    static_assert(Model::state_names[0] == "v", "a refractory model's first state is v");
    double* v = model().states()[0]->data();
    double* until = until_.data();
    const simd::Coef<Uniform> v_reset(v_reset_.data()), ref(ref_steps_.data());
    const double next = static_cast<double>(step) + 1.0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t k = s.spiked[i];
      v[k] = v_reset.template at<double>(k);
      until[k] = next + ref.template at<double>(k);
    }
  }

  std::size_t size_ = 0;
  bool uniform_ = false;     // every coefficient array holds one shared value
  std::uint64_t clock_ = 0;  // steps taken by step()
  std::vector<double> until_, v_reset_, ref_steps_;  // refractory models only
};

}  // namespace spikeforge::neurons

// "lif_adaptive_threshold": lif_curr_exp whose threshold v_thresh + theta rises by theta_plus at
// each spike and decays back with tau_theta (exactly, factor exp(-dt/tau_theta) per step).
// The kernel is LifCurrExpKernel<true>; lif_curr_exp.hpp documents the integration scheme.
#pragma once

#include <spikeforge/neurons/lif_curr_exp.hpp>

namespace spikeforge::neurons {

using LifAdaptiveThreshold = LifCurrExpKernel<true>;

}  // namespace spikeforge::neurons

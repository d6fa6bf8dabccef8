#pragma once

// A reporter reaching into the engine: the layering check must refuse this file.

#include "gate/types/decision.hpp"
#include "gate/engine/check.hpp"
#include <git2.h>

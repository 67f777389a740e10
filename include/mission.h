/* mission.h - the public interface of libmission, for programs that embed the compiler. */
#ifndef MISSION_H
#define MISSION_H

#include "../compiler/compiler.h"

#endif

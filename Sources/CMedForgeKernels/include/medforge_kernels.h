// MedForge hot kernels: quantized dot products and a spinning thread pool.
// Everything here has a plain reference twin in MedForgeTensor, which the tests compare against.
#ifndef MEDFORGE_KERNELS_H
#define MEDFORGE_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CPU features detected at run time (bit set): 1 = AVX2+FMA+F16C, 2 = AVX-512F/BW/VL, 4 = AVX-512 VNNI, 8 = AVX-512 BF16.
int mf_cpu_features(void);

#ifdef __cplusplus
}
#endif
#endif

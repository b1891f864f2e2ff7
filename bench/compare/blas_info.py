"""Which BLAS numpy (and PyTorch) call, its kernel ("core") and thread count, as one JSON line."""
import ctypes
import json
import os
import sys


def describe():
    info = {"numpy": None, "blas": None, "corename": None, "config": None, "threads": None, "source": None}
    try:
        import numpy
        info["numpy"] = numpy.__version__
    except ImportError:
        return info
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                info.update(blas=pool.get("internal_api"), corename=pool.get("architecture"),
                            threads=pool.get("num_threads"), config=pool.get("version"),
                            source="threadpoolctl " + pool.get("filepath", ""))
                break
    except ImportError:
        pass
    if info["blas"] is None:
        # Without threadpoolctl: ask the library numpy loaded for its OpenBLAS entry points, if it has them.
        for name in ("libopenblas.so.0", "libblas.so.3"):
            try:
                lib = ctypes.CDLL(name)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                info.update(blas="openblas", config=lib.openblas_get_config().decode(),
                            corename=lib.openblas_get_corename().decode(), threads=lib.openblas_get_num_threads(),
                            source="openblas_get_config via " + name)
                break
            except (OSError, AttributeError):
                continue
    if info["blas"] is None:
        info["blas"] = "unknown (not OpenBLAS: install libopenblas0-pthread for a fair reference)"
    info["env"] = {k: os.environ[k] for k in sorted(os.environ) if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    return info


if __name__ == "__main__":
    json.dump(describe(), sys.stdout)
    print()

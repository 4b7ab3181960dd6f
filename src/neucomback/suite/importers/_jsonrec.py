"""How imported Level 1 tasks turn a JSON output into harness records (nbh.h protocol).

The C++ side (`GLUE_HPP`, written into every imported task as `nb_json.hpp`) and the Python
side (`records`, used at import time to compare our reference with the upstream `.ref`
file) must agree exactly:

* a number, string or bool at JSON path P gives one record `P <kind> <value>`
  (kind i for integers and bools, f for floats, s for strings);
* an array whose elements are all integers (or all floats, all strings, all bools) gives
  one record `P <kind> <values...>`; any other array gives records per element, `P[3].x`;
* object members are joined with dots (`cmd.start_src`); the root object adds no prefix;
* `$shape` (a string record) is the type skeleton of the whole value, e.g.
  `{p:[i*32],returnv:i}`, so that structure (empty objects, nulls, bools vs integers,
  array lengths) is compared in both directions even where no value record exists.

Integer and float are different kinds, so `1` and `1.0` never compare equal.
"""

from __future__ import annotations

import math
from typing import Any

GLUE_HPP = r"""/* nb_json.hpp - written by the neucomback NeuComBack importer (not upstream code).
 * Prints an nlohmann::json value as nbh.h records (see neucomback/suite/importers/_jsonrec.py)
 * and gives the upstream harness a silent std::cout and its input text without files. */
#ifndef NB_JSON_HPP
#define NB_JSON_HPP
#include <nlohmann/json.hpp>
#include <ostream>
#include <streambuf>
#include <string>
#include "nbh.h"

struct nb_null_streambuf : std::streambuf {
    int overflow(int c) override { return c; }
};
static nb_null_streambuf nb_null_streambuf_;
static std::ostream nb_null_out(&nb_null_streambuf_);
static const char *nb_cur_input = "{}";

static char nb_json_kind(const nlohmann::json &j) {
    if (j.is_boolean()) return 'b';
    if (j.is_number_float()) return 'f';
    if (j.is_number()) return 'i';
    if (j.is_string()) return 's';
    if (j.is_null()) return 'n';
    return 0;
}

static std::string nb_json_key(const std::string &k) {
    std::string r = k;
    for (char &c : r)
        if ((unsigned char)c <= ' ') c = '_';
    return r;
}

static std::string nb_json_shape(const nlohmann::json &j) {
    if (j.is_object()) {
        std::string s = "{";
        bool first = true;
        for (auto it = j.begin(); it != j.end(); ++it) {
            if (!first) s += ",";
            first = false;
            s += nb_json_key(it.key()) + ":" + nb_json_shape(it.value());
        }
        return s + "}";
    }
    if (j.is_array()) {
        std::string s = "[";
        std::string prev;
        size_t run = 0;
        bool first = true;
        for (const auto &e : j) {
            std::string cur = nb_json_shape(e);
            if (run && cur == prev) { run++; continue; }
            if (run) { s += (first ? "" : ",") + prev + (run > 1 ? "*" + std::to_string(run) : ""); first = false; }
            prev = cur;
            run = 1;
        }
        if (run) s += (first ? "" : ",") + prev + (run > 1 ? "*" + std::to_string(run) : "");
        return s + "]";
    }
    return std::string(1, nb_json_kind(j));
}

static void nb_json_value(const nlohmann::json &j) {
    switch (nb_json_kind(j)) {
    case 'b': printf(" %d", j.get<bool>() ? 1 : 0); break;
    case 'f': printf(" %a", j.get<double>()); break;
    case 'i':
        if (j.is_number_unsigned()) printf(" %llu", (unsigned long long)j.get<unsigned long long>());
        else printf(" %lld", (long long)j.get<long long>());
        break;
    case 's': {
        const std::string &s = j.get_ref<const std::string &>();
        putchar(' ');
        if (s.empty()) putchar('-');
        for (unsigned char c : s) printf("%02x", c);
        break;
    }
    }
}

static char nb_json_record_kind(char k) { return k == 'b' ? 'i' : k; }

static void nb_json_walk(const char *dir, const nlohmann::json &j, const std::string &path) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            nb_json_walk(dir, it.value(), path.empty() ? nb_json_key(it.key()) : path + "." + nb_json_key(it.key()));
        return;
    }
    const std::string name = path.empty() ? "$" : path;
    if (j.is_array()) {
        if (j.empty()) return;
        char k = nb_json_kind(j[0]);
        bool uniform = k && k != 'n';
        for (const auto &e : j)
            if (nb_json_kind(e) != k) { uniform = false; break; }
        if (uniform) {
            nb_head(dir, name.c_str(), nb_json_record_kind(k));
            for (const auto &e : j) nb_json_value(e);
            putchar('\n');
        } else {
            size_t i = 0;
            for (const auto &e : j) nb_json_walk(dir, e, name + "[" + std::to_string(i++) + "]");
        }
        return;
    }
    char k = nb_json_kind(j);
    if (!k || k == 'n') return;
    nb_head(dir, name.c_str(), nb_json_record_kind(k));
    nb_json_value(j);
    putchar('\n');
}

/* The output of one case: the structure, then every value. */
static void nb_json_emit_output(const nlohmann::json &j) {
    nb_put_str("out", "$shape", nb_json_shape(j).c_str());
    nb_json_walk("out", j, "");
    fflush(stdout);
}
#endif
"""


def kind(v: Any) -> str:
    if isinstance(v, bool):
        return "b"
    if isinstance(v, float):
        return "f"
    if isinstance(v, int):
        return "i"
    if isinstance(v, str):
        return "s"
    if v is None:
        return "n"
    return ""


def _key(k: str) -> str:
    return "".join("_" if ord(c) <= 32 else c for c in k)


def _skey(k: str) -> bytes:
    return k.encode("utf-8")


def shape(v: Any) -> str:
    """The type skeleton of a JSON value (same as nb_json_shape)."""
    if isinstance(v, dict):
        return "{" + ",".join(f"{_key(k)}:{shape(v[k])}" for k in sorted(v, key=_skey)) + "}"
    if isinstance(v, list):
        parts: list[str] = []
        prev, run = "", 0
        for e in v:
            cur = shape(e)
            if run and cur == prev:
                run += 1
                continue
            if run:
                parts.append(prev + (f"*{run}" if run > 1 else ""))
            prev, run = cur, 1
        if run:
            parts.append(prev + (f"*{run}" if run > 1 else ""))
        return "[" + ",".join(parts) + "]"
    return kind(v)


def _val(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str):
        return v.encode("utf-8").decode("latin-1")  # check.py decodes hex bytes as latin-1
    return v


def _rkind(k: str) -> str:
    return "i" if k == "b" else k


def records(v: Any) -> dict[str, tuple[str, list]]:
    """`out` records (name -> (kind, values)) of a JSON output, as the C++ glue prints them."""
    out: dict[str, tuple[str, list]] = {"$shape": ("s", [shape(v)])}
    _walk(v, "", out)
    return out


def _walk(v: Any, path: str, out: dict[str, tuple[str, list]]) -> None:
    if isinstance(v, dict):
        for k in sorted(v, key=_skey):
            _walk(v[k], _key(k) if not path else f"{path}.{_key(k)}", out)
        return
    name = path or "$"
    if isinstance(v, list):
        if not v:
            return
        k = kind(v[0])
        if k and k != "n" and all(kind(e) == k for e in v):
            out[name] = (_rkind(k), [_val(e) for e in v])
        else:
            for i, e in enumerate(v):
                _walk(e, f"{name}[{i}]", out)
        return
    k = kind(v)
    if k and k != "n":
        out[name] = (_rkind(k), [_val(v)])


def finite(v: Any) -> bool:
    """True when no float in the value is NaN or infinite (JSON cannot carry them)."""
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, list):
        return all(finite(e) for e in v)
    if isinstance(v, dict):
        return all(finite(e) for e in v.values())
    return True

#!/usr/bin/env python
"""XLA vs TensorFlow random numbers on CPU: ms per step of a compiled loop drawing one 32x784 uniform batch (or a dropout mask) per step.

Run from the repository root:  python benchmarks/xla_rng.py
"""
import os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
x = tf.ones((32, 784))
def f(n):
    s = tf.constant(0.0)
    for i in tf.range(n):
        s += tf.reduce_sum(tf.random.stateless_uniform((32, 784), seed=tf.stack([i, 0])))
    return s
def g(n):
    s = tf.constant(0.0)
    for i in tf.range(n):
        s += tf.reduce_sum(tf.nn.experimental.stateless_dropout(x, 0.2, seed=tf.stack([i, 0])))
    return s
for jit in (False, True):
    for name, fn in (("stateless_uniform", f), ("stateless_dropout", g)):
        c = tf.function(fn, jit_compile=jit)
        c(tf.constant(10)); t = time.perf_counter(); c(tf.constant(1000))
        print(name, "jit_compile=" + str(jit), round(time.perf_counter() - t, 3), "ms/step (1,000 steps)")

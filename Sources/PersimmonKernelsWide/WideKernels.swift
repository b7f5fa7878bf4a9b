/// The weighted-ALS conjugate-gradient row solve, built for x86-64-v3 (AVX2 + FMA).
///
/// On x86-64 hosts `Package.swift` compiles this module alone with `-target-cpu haswell` (x86-64-v3), so its vector code uses
/// 256-bit registers and fused multiply-adds; the rest of the program keeps baseline x86-64 code generation. Call it
/// only after the caller has checked that the CPU has AVX2 and FMA (`PersimmonRecipes.KernelDispatch`): on an
/// older CPU it stops the process with an illegal instruction. On other architectures it is an ordinary build of
/// the same arithmetic. Same algorithm as `WeightedALS.conjugateGradient`; results differ from it only by rounding
/// (fused multiply-adds).
package enum WideKernels {
    /// CG on (G + Σ_i α w_i y_i y_iᵀ) x = Σ_i (1 + α w_i) y_i for one row, warm-started from `x`; G = YᵀY + λI.
    /// `r`, `p`, `ap` are `factors`-long scratch vectors.
    package static func conjugateGradient(
        x: UnsafeMutablePointer<Float>,
        factors f: Int,
        gram: UnsafePointer<Float>,
        fixed: UnsafePointer<Float>,
        columns: UnsafePointer<Int32>,
        weights: UnsafePointer<Float>,
        count: Int,
        alpha: Float,
        steps: Int,
        r: UnsafeMutablePointer<Float>,
        p: UnsafeMutablePointer<Float>,
        ap: UnsafeMutablePointer<Float>
    ) {
        if count == 0 {
            x.update(repeating: 0, count: f)
            return
        }
        // r = b − A x
        symmetricMatrixVector(gram, x, f, r)
        var d = 0
        while d < f {
            r[d] = -r[d]
            d &+= 1
        }
        var k = 0
        while k < count {
            let y = fixed + Int(columns[k]) &* f
            let c = alpha * weights[k]
            axpy((1 + c) - c * dot(y, x, f), y, r, f)
            k &+= 1
        }
        p.update(from: r, count: f)
        var rsOld = dot(r, r, f)
        if rsOld < 1e-20 { return }
        for _ in 0..<steps {
            symmetricMatrixVector(gram, p, f, ap)
            k = 0
            while k < count {
                let y = fixed + Int(columns[k]) &* f
                axpy(alpha * weights[k] * dot(y, p, f), y, ap, f)
                k &+= 1
            }
            let pAp = dot(p, ap, f)
            if !(pAp > 0) { return }
            let step = rsOld / pAp
            axpy(step, p, x, f)
            axpy(-step, ap, r, f)
            let rsNew = dot(r, r, f)
            if rsNew < 1e-20 { return }
            let beta = rsNew / rsOld
            d = 0
            while d < f {
                p[d] = r[d] + beta * p[d]
                d &+= 1
            }
            rsOld = rsNew
        }
    }

    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>()
        var acc1 = SIMD8<Float>()
        var i = 0
        while i &+ 16 <= n {
            let x0 = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            let y0 = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            let x1 = UnsafeRawPointer(a + (i &+ 8)).loadUnaligned(as: SIMD8<Float>.self)
            let y1 = UnsafeRawPointer(b + (i &+ 8)).loadUnaligned(as: SIMD8<Float>.self)
            acc0 = acc0.addingProduct(x0, y0)
            acc1 = acc1.addingProduct(x1, y1)
            i &+= 16
        }
        var tail: Float = 0
        while i < n {
            tail += a[i] * b[i]
            i &+= 1
        }
        let sum = acc0 + acc1
        let half = sum.lowHalf + sum.highHalf
        return half.sum() + tail
    }

    /// y += alpha · x
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let a = SIMD8<Float>(repeating: alpha)
        var i = 0
        while i &+ 8 <= n {
            let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: yv.addingProduct(a, xv), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < n {
            y[i] += alpha * x[i]
            i &+= 1
        }
    }

    /// out = M x for a symmetric n × n matrix M, as a sum of scaled rows.
    @inline(__always)
    static func symmetricMatrixVector(
        _ m: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: n)
        var k = 0
        while k < n {
            let scale = x[k]
            if scale != 0 { axpy(scale, m + k &* n, out, n) }
            k &+= 1
        }
    }
}

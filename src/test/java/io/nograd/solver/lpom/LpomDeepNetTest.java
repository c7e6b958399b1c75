package io.nograd.solver.lpom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ojalgo.matrix.store.R064Store;

import io.nograd.TestData;
import io.nograd.data.Batch;
import io.nograd.data.Batches;
import io.nograd.data.Dataset;
import io.nograd.data.Synthetic;
import io.nograd.jobs.EpochMetrics;
import io.nograd.jobs.JobSpec;
import io.nograd.jobs.JobSpecValidator;
import io.nograd.jobs.Training;
import io.nograd.jobs.ValidatedSpec;
import io.nograd.nn.Activation;
import io.nograd.nn.ForwardPass;
import io.nograd.nn.Init;
import io.nograd.nn.Loss;
import io.nograd.nn.Network;
import io.nograd.nn.Ops;
import io.nograd.nn.Task;
import io.nograd.solver.Cancellation;
import io.nograd.solver.ParamSpec;
import io.nograd.solver.Params;
import io.nograd.solver.SolverRegistry;

/**
 * Issue 18: the ways LPOM failed on deep nets, on small deep nets and synthetic data, and what each fix must keep.
 * Each test failed on the code before its fix (bench/results/lpom.md): the sweeps of eq. (26) expanded once ρ of
 * Theorem 2 exceeded 3; the absolute ridge of the W step held a deep sigmoid net at chance; the averaged step's ν
 * capped by Theorem 2's global bound damped where the batch's map already contracts; and the Newton step with the
 * batch's mean slope above a sparse output layer made the sweeps grow.
 */
class LpomDeepNetTest {

    private static final Dataset BLOBS = Synthetic.blobs(20, 4, 3000, 1000, 0.15, 11);
    /** The first batch of 100 blobs: X¹ and D of the single-batch tests. */
    private static final Batch FIRST = new Batches(BLOBS, Task.CLASSIFICATION, 100, 100, 1, false).epoch(1, 1).iterator().next();

    /** ρ = ‖W‖₂² ≈ 9 on every hidden layer: the residual of eq. (26) must still shrink from sweep to sweep, by either hidden step. */
    @ParameterizedTest
    @ValueSource(strings = {"newton", "averaged", "chebyshev"})
    void hiddenSweepsContractWhenTheorem2RhoExceedsOne(String step) {
        int[] sizes = {20, 30, 30, 30, 4};
        Network net = linearNetWithRho9(sizes);
        LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", step));
        int n = sizes.length;
        double[] second = new double[n];
        for (int sweep = 1; sweep <= 12; sweep++) {
            lifted.updateOutput(net, FIRST.y());
            for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
            if (sweep == 2) for (int i = 2; i < n; i++) second[i] = lifted.lastStep(i);
        }
        for (int i = 2; i < n; i++) {
            double last = lifted.lastStep(i);
            assertTrue(Double.isFinite(last) && last < 0.5 * second[i],
                    "X^" + i + ": fixed-point residual " + second[i] + " at sweep 2, " + last + " at sweep 12");
        }
    }

    /**
     * On a linear net eq. (26) is linear, every slope is 1, and {@code hiddenStep = newton} is Newton's step: one takes X^i to
     * the fixed point for its neighbours, where the capped average (ν ≤ 2/(2 + ρ̂) ≈ 0.18 here) leaves most of the way.
     */
    @Test
    void theNewtonStepReachesEquation26sFixedPointInOneStepOnALinearNet() {
        int[] sizes = {20, 30, 30, 4};
        Network net = linearNetWithRho9(sizes);
        for (String step : List.of("newton", "averaged")) {
            LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", step));
            lifted.updateOutput(net, FIRST.y());
            lifted.updateHidden(net, 3);
            double first = lifted.lastStep(3);
            lifted.updateHidden(net, 3);
            double left = lifted.lastStep(3) / first;
            assertTrue(first > 0 && (step.equals("newton") ? left < 1e-9 : left > 0.5),
                    step + ": residual of eq. (26) after one step " + left + " of the first's " + first);
        }
    }

    /**
     * On a linear net whose W² is twice a partial isometry, eq. (26)'s linearisation has eigenvalues σ ∈ {0, 4} at every
     * sample, so each sample's ρ̂_j is 4 and three Chebyshev steps leave exactly 1/T₃(3/2) = 1/9 of X²'s residual in both
     * directions, where the constant cap ν = 2/(2 + 4) leaves (2/3)³ of it.
     */
    @Test
    void aBatchsHiddenUpdatesTakeEachSamplesChebyshevSteps() {
        int[] sizes = {20, 30, 4};
        Activation identity = Activation.of("identity", null);
        Network net = Network.create(sizes, identity, identity, Init.GLOROT, 5);
        double[] w2 = net.weight(1).data;
        java.util.Arrays.fill(w2, 0);
        for (int out = 0; out < 4; out++) w2[out * 4 + out] = 2;
        for (String step : List.of("chebyshev", "averaged")) {
            LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", step));
            lifted.updateOutput(net, FIRST.y());
            lifted.updateHidden(net, 2);
            double first = lifted.lastStep(2);
            for (int k = 2; k <= 4; k++) lifted.updateHidden(net, 2);
            if (step.equals("chebyshev")) {
                for (int j = 0; j < 100; j++) assertEquals(4, lifted.rho(2, j), 1e-9, "ρ̂_j of sample " + j);
            }
            assertEquals(step.equals("chebyshev") ? 1.0 / 9 : 8.0 / 27, lifted.lastStep(2) / first, 1e-9,
                    step + ": X²'s residual after three updates, of the first's " + first);
        }
    }

    /**
     * A one-hidden-layer ReLU net under MSE with one-hot targets: about one output unit of four is active per sample, so
     * the batch's mean output slope is far below each sample's own. The Newton step takes D as the batch's largest slope
     * per unit; with the mean it overshoots, and the sweeps across the output and the hidden layer stop contracting.
     */
    @Test
    void theSweepsContractAcrossASparseOutputLayer() {
        int[] sizes = {20, 30, 4};
        Activation relu = Activation.of("relu", null);
        Network net = Network.create(sizes, relu, relu, Init.GLOROT, 5);
        Ops.scale(net.weight(1), 3 / Ops.spectralNorm(net.weight(1), 100));
        LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", "newton"));
        double second = 0;
        for (int sweep = 1; sweep <= 12; sweep++) {
            lifted.updateOutput(net, FIRST.y());
            lifted.updateHidden(net, 2);
            if (sweep == 2) second = lifted.lastStep(2);
        }
        double last = lifted.lastStep(2);
        assertTrue(second > 0 && last < 0.1 * second, "X^2: fixed-point residual " + second + " at sweep 2, " + last + " at sweep 12");
    }

    /**
     * Sigmoid's range is open: a Newton step that leaves it overshot, and X̃ (always inside) stands in for it; projected
     * onto the bound, X^i would ask W^{i-1} for an infinite pre-activation. Large weights make the linearised step
     * overshoot; every hidden X^i must stay strictly inside (0, 1).
     */
    @Test
    void theNewtonStepKeepsSigmoidsHiddenLayersInsideTheOpenRange() {
        int[] sizes = {20, 30, 30, 4};
        Activation sigmoid = Activation.of("sigmoid", null);
        Network net = Network.create(sizes, sigmoid, sigmoid, Init.GLOROT, 5);
        for (int layer = 0; layer < 3; layer++) Ops.scale(net.weight(layer), 12 / Ops.spectralNorm(net.weight(layer), 100));
        LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", "newton", "mu", 0.05));
        int onBounds = 0;
        for (int sweep = 1; sweep <= 6; sweep++) {
            lifted.updateOutput(net, FIRST.y());
            for (int i = 3; i >= 2; i--) {
                lifted.updateHidden(net, i);
                for (double v : lifted.x(i).data) if (!(v > 0 && v < 1)) onBounds++;
            }
        }
        assertTrue(onBounds == 0, onBounds + " hidden entries on sigmoid's bounds (or NaN) over 6 sweeps");
    }

    /**
     * {@code hiddenStep = auto} and {@code k1 = 0} take the Newton step and 6 sweeps exactly where φ's range is bounded at
     * both ends, 3 sweeps elsewhere with Chebyshev's steps where φ(z) = z above 0 and the averaged step otherwise (and
     * where neighbouring layers move at once, K3 &gt; 1 or K1 is even), whatever μ per layer; a value the job gives is kept.
     */
    @Test
    void theDefaultsTakeTheNewtonStepAndSixSweepsWhereTheActivationSaturatesAtBothEnds() {
        for (String scaling : List.of("lipschitz", "equal")) {
            for (String key : List.of("parallel", "k3", "k1")) {
                LpomParams p = params(Map.of("muScaling", scaling, key, key.equals("parallel") ? (Object) true : 4));
                assertEquals(LpomParams.HiddenStep.AVERAGED, p.resolved(Activation.of("relu", null)).hiddenStep(), key);
            }
            LpomParams auto = params(Map.of("muScaling", scaling));
            LpomParams given = params(Map.of("muScaling", scaling, "k1", 4, "hiddenStep", "averaged"));
            for (String name : Activation.NAMES) {
                LpomParams resolved = auto.resolved(Activation.of(name, null));
                boolean saturating = List.of("sigmoid", "tanh", "dcutlu").contains(name);
                String where = scaling + ", " + name + ": " + resolved;
                boolean linearAbove = List.of("identity", "relu", "leaky-relu", "elu").contains(name);
                assertEquals(saturating ? LpomParams.HiddenStep.NEWTON : linearAbove ? LpomParams.HiddenStep.CHEBYSHEV
                        : LpomParams.HiddenStep.AVERAGED, resolved.hiddenStep(), where);
                assertEquals(saturating ? 6 : 3, resolved.k1(), where);
                LpomParams kept = given.resolved(Activation.of(name, null));
                assertEquals(4, kept.k1(), name);
                assertEquals(LpomParams.HiddenStep.AVERAGED, kept.hiddenStep(), name);
            }
        }
    }

    /**
     * The W step's ridge follows the spread of a layer's inputs, but not below the job's first batch's: inputs a hundred
     * times smaller must not buy a ten-thousand times weaker ridge, through which W would grow to make up for them (the
     * drift that collapsed deep tanh). One batch takes the floor; the same batch at 1 % of its scale then moves W¹ by
     * less than ten times the first step, where without the floor it moves it by almost its own norm.
     */
    @Test
    void theRidgeDoesNotFollowALayersInputsBelowTheFirstBatchsSpread() {
        int[] sizes = {20, 8, 4};
        Activation tanh = Activation.of("tanh", null);
        Network net = Network.create(sizes, tanh, tanh, Init.GLOROT, 5);
        LpomParams p = params(Map.of("hiddenStep", "averaged")).resolved(tanh);
        EpochFigures figures = new EpochFigures(net, p.penalties(net));
        LiftedBatch lifted = new LiftedBatch(sizes, 100, p, Loss.MSE);
        double[] steps = new double[2];
        for (double scale : new double[] {1, 0.01}) {
            R064Store input = Ops.make(20, 100);
            Ops.copy(FIRST.x(), input);
            Ops.scale(input, scale);
            R064Store before = Ops.make(8, 20);
            Ops.copy(net.weight(0), before);
            lifted.initialise(net, input);
            lifted.updateOutput(net, FIRST.y());
            lifted.updateHidden(net, 2);
            lifted.updateWeights(net, 1, figures);
            Ops.axpy(-1, net.weight(0), before);
            steps[scale == 1 ? 0 : 1] = Ops.norm(before) / Ops.norm(net.weight(0));
        }
        assertTrue(steps[0] > 0 && steps[1] < 10 * steps[0], "W¹'s relative step: " + steps[0] + " on the batch, " + steps[1] + " on it at 1 %");
    }

    private static LpomParams params(Map<String, Object> values) {
        return Params.validate(ParamSpec.of(LpomParams.class), values).as(LpomParams.class);
    }

    /** LPOM's lifted variables for {@code sizes} with these parameters, started on {@link #FIRST} by {@code net}'s forward pass. */
    private static LiftedBatch started(int[] sizes, Network net, Map<String, Object> values) {
        LiftedBatch lifted = new LiftedBatch(sizes, 100, params(values).resolved(net.activation(0)), Loss.MSE);
        lifted.initialise(net, FIRST.x());
        return lifted;
    }

    /** A net of identity layers with ‖W^i‖₂ = 3, so Theorem 2's ρ ≈ 9 on every hidden layer. */
    private static Network linearNetWithRho9(int[] sizes) {
        Activation identity = Activation.of("identity", null);
        Network net = Network.create(sizes, identity, identity, Init.GLOROT, 5);
        for (int l = 0; l < net.depth(); l++) {
            Ops.scale(net.weight(l), 3 / Ops.spectralNorm(net.weight(l), 100));
        }
        return net;
    }

    /**
     * The cap on ν follows the batch's actual Jacobian, not Theorem 2's global κ²‖W^i‖₂²: here ‖W^2‖₂² ≥ 9 only through
     * hidden units the batch never activates, so eq. (26) contracts for every sample and X^2 must move with the full ν
     * (the global bound would cut it to 2/11).
     */
    @Test
    void nuIsLeftAloneWhereTheBatchsMapContracts() {
        int[] sizes = {20, 30, 4};
        Activation relu = Activation.of("relu", null);
        Network net = Network.create(sizes, relu, relu, Init.GLOROT, 5);
        double[] w1 = net.weight(0).data;
        double[] b1 = net.bias(0).data;
        double[] w2 = net.weight(1).data;
        for (int unit = 0; unit < 30; unit++) {
            boolean active = unit < 15;
            b1[unit] = active ? 5 : -1;
            for (int in = 0; in < 20; in++) {
                if (!active) w1[in * 30 + unit] = 0;
            }
            for (int out = 0; out < 4; out++) w2[unit * 4 + out] = active ? 0.02 : 3;
        }
        java.util.Arrays.fill(net.bias(1).data, 1);
        assertTrue(Ops.spectralNorm(net.weight(1), 100) >= 3);
        LpomParams p = params(Map.of("hiddenStep", "averaged"));
        LiftedBatch lifted = started(sizes, net, Map.of("hiddenStep", "averaged"));
        lifted.updateOutput(net, FIRST.y());
        double[] before = lifted.x(2).data.clone();
        lifted.updateHidden(net, 2);
        double moved = 0;
        for (int e = 0; e < before.length; e++) moved += Math.pow(lifted.x(2).data[e] - before[e], 2);
        moved = Math.sqrt(moved);
        assertTrue(lifted.rho(2) < 1, "ρ̂ of X^2: " + lifted.rho(2));
        assertTrue(lifted.lastStep(2) > 0 && Math.abs(moved / lifted.lastStep(2) - p.nu()) < 1e-9,
                "X^2 moved " + moved + " of its fixed-point step " + lifted.lastStep(2) + ", expected ν = " + p.nu());
    }

    /** 20-64-32-16-8-4 sigmoid, μ = 5 (Table 6's activation and μ on a deep net): learns, and stays learnt. */
    @Test
    void deepSigmoidNetLearnsAndStaysStable() {
        List<EpochMetrics> m = train(List.of(20, 64, 32, 16, 8, 4), "sigmoid", 5.0, 6);
        double best = 0;
        for (EpochMetrics e : m) {
            if (e.epoch() >= 3) assertTrue(e.testAccuracy() >= best - 0.01, "epoch " + e.epoch() + " fell below best " + best);
            best = Math.max(best, e.testAccuracy());
        }
        assertTrue(m.get(2).testAccuracy() >= 0.95, "test accuracy after 3 epochs: " + m.get(2).testAccuracy());
    }

    /**
     * The Newton step on the deep sigmoid net above learns as well, and on a deep ReLU net, whose unprojected step drives
     * hidden units below zero where f of eq. (19) is +∞, it keeps every X^i in φ's range, so F(W, X) stays finite;
     * serial and synchronous-parallel alike.
     */
    @Test
    void theNewtonStepLearnsInsidePhisRange() {
        List<Integer> layers = List.of(20, 64, 32, 16, 8, 4);
        List<EpochMetrics> sigmoid = train(layers, "sigmoid", Map.of("mu", 5.0, "hiddenStep", "newton"), 3);
        assertTrue(sigmoid.get(2).testAccuracy() >= 0.95, "sigmoid: test accuracy after 3 epochs " + sigmoid.get(2).testAccuracy());
        List<EpochMetrics> relu = train(layers, "relu", Map.of("hiddenStep", "newton"), 2);
        for (EpochMetrics e : relu) assertTrue(Double.isFinite(e.objective()), "ReLU, epoch " + e.epoch() + ": F = " + e.objective());
        assertTrue(relu.get(1).testAccuracy() >= 0.95, "ReLU: test accuracy after 2 epochs " + relu.get(1).testAccuracy());
        // Algorithm 3 runs the odd and the even layers' steps at once: each step touches only its own layer's buffers
        List<EpochMetrics> parallel = train(layers, "relu", Map.of("hiddenStep", "newton", "parallel", true), 2);
        assertTrue(parallel.get(1).testAccuracy() >= 0.95 && Double.isFinite(parallel.get(1).objective()),
                "ReLU in parallel: test accuracy after 2 epochs " + parallel.get(1).testAccuracy() + ", F = " + parallel.get(1).objective());
    }

    /**
     * The default μ per layer ({@code muScaling = lipschitz}, μ_{i+1}/μ_i = 1/β) moves a deep sigmoid net's first layer
     * as the layers above it move; the paper's one μ leaves it almost still (each layer above puts φ′ ≤ 1/4 on its pull).
     */
    @Test
    void theDefaultPenaltiesLetADeepSigmoidNetsFirstLayerLearn() {
        List<Integer> layers = List.of(20, 64, 32, 16, 8, 4);
        double[] byDefault = train(layers, "sigmoid", Map.of("mu", 5.0), 1).get(0).diagnostics().get("relativeWeightSteps");
        double[] equal = train(layers, "sigmoid", Map.of("mu", 5.0, "muScaling", "equal"), 1).get(0).diagnostics()
                .get("relativeWeightSteps");
        assertTrue(byDefault[0] > 8 * equal[0] && byDefault[0] > byDefault[4] / 10, "W¹'s relative step per batch: "
                + byDefault[0] + " by default, " + equal[0] + " with one μ; the output layer's " + byDefault[4]);
    }

    /**
     * {@code order = algorithm-1} pulls the hidden layers towards the label itself, so a large μ does not slow it down
     * (Table 6 is flat in μ); {@code output-first} moves the hidden targets by about 1/(1 + μ) of the output's error.
     */
    @Test
    void algorithm1OrderIsFlatInMuWhereOutputFirstSlowsDown() {
        List<Integer> layers = List.of(20, 64, 32, 16, 8, 4);
        double literalSmall = firstEpoch(layers, 2, "algorithm-1");
        double literalLarge = firstEpoch(layers, 100, "algorithm-1");
        double literalParallel = train(layers, "relu", Map.of("mu", 100.0, "order", "algorithm-1", "parallel", true), 1)
                .get(0).testAccuracy();
        double outputFirstLarge = firstEpoch(layers, 100, "output-first");
        assertTrue(literalSmall >= 0.95 && literalLarge >= 0.95 && literalParallel >= 0.95, "algorithm-1 after one epoch: "
                + literalSmall + " at μ = 2, " + literalLarge + " at μ = 100, " + literalParallel + " at μ = 100 in parallel");
        assertTrue(outputFirstLarge < 0.5, "output-first at μ = 100 after one epoch: " + outputFirstLarge);
    }

    /**
     * Why μ acts as a step size and why sigmoid's lower layers hardly learn (bench/results/lpom.md, session 11). With a
     * fresh forward pass and one μ, the point the sweeps of eqs. (29), (26) converge to gives each layer the innovation
     * e^{i+1} = X^{i+1} − φ(W^i X^i + b^i) = −(1/μ)·φ′(z^{i+1}) ⊙ ∂ℓ/∂X^{i+1} + O(1/μ²): back-propagation's gradient
     * at that pre-activation, scaled by 1/μ (to first order the block problem is a least-squares problem whose
     * stationarity condition says exactly that). The W step (36) then fits e^{i+1}/β, so the lower layers get the
     * same vanishing factor φ′‖W‖ per layer as a gradient step. Fails if eq. (26) or (29) is scaled or signed
     * differently, or if their back-pass carried φ′ of the layer above.
     */
    @Test
    void theSweepsConvergeToTheBackPropagatedGradientOverMu() {
        int[] sizes = {20, 16, 12, 8, 4};
        double[] lowestOverTop = new double[2];
        for (String scaling : List.of("equal", "lipschitz")) for (String activation : List.of("sigmoid", "tanh")) {
            Activation phi = Activation.of(activation, null);
            Network net = Network.create(sizes, phi, phi, Init.GLOROT, 7);
            for (double mu : new double[] {100, 1000}) {
                double[][] actualAndPredicted = innovations(net, FIRST, mu, scaling);
                if (activation.equals("sigmoid") && mu == 100) {
                    lowestOverTop[scaling.equals("equal") ? 0 : 1] = l2(actualAndPredicted[4]) / l2(actualAndPredicted[10]);
                }
                for (int i = 2; i < sizes.length + 1; i++) {
                    double[] e = actualAndPredicted[2 * i];
                    double[] g = actualAndPredicted[2 * i + 1];
                    double dot = 0, ee = 0, gg = 0;
                    for (int k = 0; k < e.length; k++) {
                        dot += e[k] * g[k];
                        ee += e[k] * e[k];
                        gg += g[k] * g[k];
                    }
                    double cosine = dot / Math.sqrt(ee * gg);
                    double ratio = Math.sqrt(ee / gg);
                    double tolerance = 3 / mu;
                    assertTrue(cosine > 1 - tolerance && Math.abs(ratio - 1) < tolerance, scaling + ", " + activation + ", μ = " + mu
                            + ", X^" + i + ": innovation against −φ′∇ℓ/μ: cosine " + cosine + ", norm ratio " + ratio);
                }
            }
        }
        // sigmoid: X²'s innovation is 4³ times smaller than the output's with one μ; μ_{i+1}/μ_i = 1/β = 4 offsets it
        assertTrue(lowestOverTop[0] < 0.03 && lowestOverTop[1] > 0.5, "‖e²‖/‖e⁵‖: equal " + lowestOverTop[0]
                + ", lipschitz " + lowestOverTop[1]);
    }

    /**
     * For the paper's layers i = 2..n (index 2i: X^i − φ(W^{i-1}X^{i-1} + b^{i-1}) after the sweeps have converged; index
     * 2i + 1: −(1/μ)·φ′ ⊙ ∂ℓ/∂X^i by back-propagation through the forward pass), both flattened.
     */
    private static double[][] innovations(Network net, Batch batch, double mu, String scaling) {
        int n = net.depth() + 1;
        int[] sizes = new int[n];
        for (int l = 0; l < net.depth(); l++) {
            sizes[l] = (int) net.weight(l).countColumns();
            sizes[l + 1] = (int) net.weight(l).countRows();
        }
        int m = (int) batch.x().countColumns();
        LpomParams p = params(Map.of("mu", mu, "muScaling", scaling, "hiddenStep", "averaged")).resolved(net.activation(0));
        double[] penalty = p.penalties(net);
        LiftedBatch lifted = new LiftedBatch(sizes, m, p, Loss.MSE);
        lifted.initialise(net, batch.x());
        // back-propagation through the forward pass: z[i] = W^{i-1}X^{i-1} + b^{i-1}, grad = ∂ℓ/∂X^i
        R064Store[] z = new R064Store[n + 1];
        R064Store[] grad = new R064Store[n + 1];
        for (int i = 2; i <= n; i++) z[i] = affine(net, i - 2, lifted.x(i - 1), sizes[i - 1], m);
        double[][] out = new double[2 * n + 2][];
        grad[n] = Ops.make(sizes[n - 1], m);
        Loss.MSE.gradient(lifted.x(n), batch.y(), grad[n]);
        for (int i = n; i >= 2; i--) {
            double[] slope = new double[z[i].data.length];
            net.activation(i - 2).derivative(z[i].data, slope, slope.length);
            double[] predicted = new double[slope.length];
            for (int k = 0; k < slope.length; k++) predicted[k] = -slope[k] * grad[i].data[k] / penalty[i];
            out[2 * i + 1] = predicted;
            if (i > 2) {
                R064Store delta = Ops.make(sizes[i - 1], m);
                for (int k = 0; k < slope.length; k++) delta.data[k] = slope[k] * grad[i].data[k];
                grad[i - 1] = Ops.make(sizes[i - 2], m);
                net.weight(i - 2).transpose().multiply(delta).supplyTo(grad[i - 1]);
            }
        }
        for (int sweep = 0; sweep < 400; sweep++) {
            lifted.updateOutput(net, batch.y());
            for (int i = n - 1; i >= 2; i--) lifted.updateHidden(net, i);
        }
        for (int i = 2; i <= n; i++) {
            double[] x = lifted.x(i).data;
            double[] below = affine(net, i - 2, lifted.x(i - 1), sizes[i - 1], m).data;
            double[] e = new double[x.length];
            for (int k = 0; k < x.length; k++) e[k] = x[k] - net.activation(i - 2).apply(below[k]);
            out[2 * i] = e;
        }
        return out;
    }

    private static double l2(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    /** W^{layer+1}·in + b, rows × m. */
    private static R064Store affine(Network net, int layer, R064Store in, int rows, int m) {
        R064Store z = Ops.make(rows, m);
        ForwardPass.affine(net, layer, in, z);
        return z;
    }

    private static double firstEpoch(List<Integer> layers, double mu, String order) {
        return train(layers, "relu", Map.of("mu", mu, "order", order), 1).get(0).testAccuracy();
    }

    private static List<EpochMetrics> train(List<Integer> layers, String activation, double mu, int epochs) {
        return train(layers, activation, Map.of("mu", mu), epochs);
    }

    private static List<EpochMetrics> train(List<Integer> layers, String activation, Map<String, Object> params, int epochs) {
        JobSpec spec = new JobSpec("deep", "lpom", "blobs", null, layers, activation, null, "mse", epochs, 100, null, 1L,
                params, null);
        ValidatedSpec vs = new JobSpecValidator(SolverRegistry.builtIn(), TestData.DATASETS, 2, 4L << 30).validate(spec);
        Network net = vs.newNetwork();
        List<EpochMetrics> out = new ArrayList<>();
        new Training(vs, BLOBS).run(net, 1, Cancellation.NEVER, out::add);
        return out;
    }
}

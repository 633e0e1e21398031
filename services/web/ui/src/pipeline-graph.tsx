// The pipeline's DAG, drawn with @patternfly/react-topology and laid out by dagre (left to
// right): one node per step listing each target (chroot, test target, branch) with its
// state, and one edge per target from the row of the step it waits for to its own row
// (an edge without a target joins the two steps' headers).
import {
  DagreLayout,
  GRAPH_LAYOUT_END_EVENT,
  GraphComponent,
  ModelKind,
  Visualization,
  VisualizationProvider,
  VisualizationSurface,
  observer,
  type ComponentFactory,
  type Edge as TopologyEdge,
  type Graph,
  type Model,
  type Node,
} from '@patternfly/react-topology';
import { useEffect, useMemo, useState } from 'react';
import type { Pipeline, Step } from './api';
import { STATUS_LOOK } from './status';

const WIDTH = 260;
const HEADER = 34;
const ROW = 22;
const PAD = 8;

interface StepData {
  step: Step;
}

interface EdgeData {
  target: string | null;
}

/** The latest attempt of each target of a step, in the API's order. */
export function latestTargets(step: Step) {
  const latest = new Map<string, Step['targets'][number]>();
  for (const t of step.targets) {
    const seen = latest.get(t.target);
    if (!seen || seen.attempt < t.attempt) latest.set(t.target, t);
  }
  return [...latest.values()];
}

const rowY = (step: Step, target: string | null) => {
  const index = target === null ? -1 : latestTargets(step).findIndex((t) => t.target === target);
  return index < 0 ? HEADER / 2 : HEADER + PAD / 2 + index * ROW + ROW / 2;
};

const StepNode = observer(({ element }: { element: Node }) => {
  const { step } = element.getData() as StepData;
  const { width, height } = element.getDimensions();
  const look = STATUS_LOOK[step.status] ?? STATUS_LOOK.pending;
  return (
    <g data-step={step.id} data-status={step.status}>
      <title>{`${step.job}: ${step.status}`}</title>
      <rect width={width} height={height} rx={6} fill="#fff" stroke={look.fill} strokeWidth={2} />
      <rect width={width} height={HEADER} rx={6} fill={look.fill} />
      <text x={10} y={22} fill="#fff" fontWeight={600} fontSize={14}>
        {step.job}
        {step.package ? ` · ${step.package}` : ''}
      </text>
      {latestTargets(step).map((t, i) => {
        const tl = STATUS_LOOK[t.status] ?? STATUS_LOOK.pending;
        const y = HEADER + PAD / 2 + i * ROW;
        return (
          <g key={t.id} transform={`translate(0, ${y})`} data-target={t.target} data-status={t.status}>
            <title>{`${t.target}: ${t.status}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}${t.reason ? ` — ${t.reason}` : ''}`}</title>
            <circle cx={16} cy={ROW / 2} r={6} fill={tl.fill} />
            <text x={30} y={ROW / 2 + 4} fontSize={12} fill="#151515">
              {t.target}
            </text>
            <text x={width - 10} y={ROW / 2 + 4} fontSize={11} fill="#4d4d4d" textAnchor="end">
              {t.status}
              {t.attempt > 1 ? ` #${t.attempt}` : ''}
            </text>
          </g>
        );
      })}
    </g>
  );
});

const TargetEdge = observer(({ element }: { element: TopologyEdge }) => {
  const { target } = element.getData() as EdgeData;
  const from = element.getSource();
  const to = element.getTarget();
  const a = from.getBounds();
  const b = to.getBounds();
  const start = { x: a.x + a.width, y: a.y + rowY((from.getData() as StepData).step, target) };
  const end = { x: b.x, y: b.y + rowY((to.getData() as StepData).step, target) };
  const mid = (start.x + end.x) / 2;
  return (
    <path
      d={`M ${start.x} ${start.y} C ${mid} ${start.y}, ${mid} ${end.y}, ${end.x - 6} ${end.y}`}
      fill="none"
      stroke={target === null ? '#6a6e73' : '#8a8d90'}
      strokeWidth={target === null ? 2 : 1.2}
      markerEnd="url(#packflow-arrow)"
      data-edge-target={target ?? ''}
    />
  );
});

const Arrow = () => (
  <defs>
    <marker id="packflow-arrow" viewBox="0 0 10 10" refX="4" refY="5" markerWidth="6" markerHeight="6" orient="auto">
      <path d="M 0 0 L 10 5 L 0 10 z" fill="#6a6e73" />
    </marker>
  </defs>
);

const componentFactory: ComponentFactory = (kind) => {
  if (kind === ModelKind.graph) return GraphComponent;
  if (kind === ModelKind.node) return StepNode as never;
  if (kind === ModelKind.edge) return TargetEdge as never;
  return undefined;
};

export function toModel(pipeline: Pipeline): Model {
  return {
    graph: { id: `pipeline-${pipeline.id}`, type: 'graph', layout: 'dagre' },
    nodes: pipeline.steps.map((step) => ({
      id: step.id,
      type: 'step',
      width: WIDTH,
      height: HEADER + PAD + Math.max(latestTargets(step).length, 1) * ROW,
      data: { step } satisfies StepData,
    })),
    edges: pipeline.edges.map((e, i) => ({
      id: `edge-${i}-${e.from}-${e.to}-${e.target ?? ''}`,
      type: 'edge',
      source: e.from,
      target: e.to,
      data: { target: e.target } satisfies EdgeData,
    })),
  };
}

/**
 * Fits the laid-out graph into its surface. The first layout can end before the surface
 * has measured itself (it mounts once the graph exists), and a fit into 0×0 leaves the
 * graph out of view: wait for the size, a frame at a time, for about two seconds.
 */
function fitWhenSized(controller: Visualization, done: () => void, frames = 120): void {
  const graph = controller.getGraph();
  if (graph.getDimensions().width > 0) {
    graph.fit(40);
    done();
  } else if (frames > 0) requestAnimationFrame(() => fitWhenSized(controller, done, frames - 1));
}

export function PipelineGraph({ pipeline }: { pipeline: Pipeline }) {
  // Set once the graph is laid out and fitted (tests and screenshots wait for it).
  const [fitted, setFitted] = useState(false);
  const controller = useMemo(() => {
    const c = new Visualization();
    c.registerComponentFactory(componentFactory);
    c.registerLayoutFactory(
      (_type: string, graph: Graph) =>
        new DagreLayout(graph, { rankdir: 'LR', nodesep: 30, ranksep: 90, edgesep: 4, ranker: 'network-simplex' }),
    );
    c.addEventListener(GRAPH_LAYOUT_END_EVENT, () => fitWhenSized(c, () => setFitted(true)));
    return c;
  }, []);
  useEffect(() => {
    // Same ids keep their nodes: a poll updates states without a new layout.
    controller.fromModel(toModel(pipeline), true);
  }, [controller, pipeline]);
  return (
    <div
      className="packflow-graph"
      role="img"
      aria-label={`Pipeline ${pipeline.id} graph: ${pipeline.steps.length} steps`}
      data-fitted={fitted ? 'true' : undefined}
    >
      <svg width="0" height="0" style={{ position: 'absolute' }} aria-hidden="true">
        <Arrow />
      </svg>
      <VisualizationProvider controller={controller}>
        <VisualizationSurface />
      </VisualizationProvider>
    </div>
  );
}

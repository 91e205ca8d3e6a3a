//! Architecture diagrams: a [`Flowchart`] laid out in layers and drawn as a standalone SVG, the
//! same document inlined in the HTML and embedded by typst in the PDF.
//!
//! The layout is the classic layered (Sugiyama) one, kept small:
//!
//! 1. **Cycles** are broken by reversing the edges a depth-first search finds going back; they
//!    are drawn in their own direction all the same.
//! 2. **Ranks** by longest path from the sources; a source is then moved next to its nearest
//!    successor, so that a client drawn first does not stretch an edge across the diagram.
//! 3. Edges spanning several ranks get a **dummy** vertex per rank crossed, so that they have a
//!    lane of their own and take part in the ordering.
//! 4. **Order** within ranks by barycentre sweeps, down and up, keeping the order with the
//!    fewest crossings. The members of a subgraph are kept together, and subgraphs in the same
//!    order in every rank, so that their boxes never enclose another node.
//! 5. **Coordinates**: ranks are spaced by the largest node and the labels of the edges crossing
//!    the gap; across ranks, items are packed in order — a subgraph as one block spanning its
//!    ranks — each pulled toward the centre of its neighbours, never over the one before it.
//! 6. **Edges** leave a node straight from the side facing the next rank (ports spread along
//!    it), cross each gap in a straight line and run along their lane through ranks they cross,
//!    ending in an arrowhead on the target's border.
//!
//! We wrote this instead of using a layout crate: the one maintained pure-Rust layered layout
//! on crates.io (layout-rs) reads Graphviz DOT rather than Mermaid, has no subgraphs, sizes
//! text by counting characters (a Chinese label would overflow its box), and writes SVG with a
//! `<style>` sheet in Times, `context-stroke` markers and clip paths, which typst's SVG
//! importer does not draw as browsers do. Labels here are measured with [`svg::text_width`]
//! (full-width ideographs), wrapped to a maximum width, and every box is sized to its label.

use std::collections::{BTreeMap, HashMap};

use gigops_mermaid::{Direction, Flowchart, LineStyle, Shape};

use crate::engine::svg::{self, Anchor, Svg, TextStyle, text_width};

const FONT: f64 = 13.0;
const LINE: f64 = 17.0;
const LABEL_FONT: f64 = 11.0;
const PAD_X: f64 = 14.0;
const PAD_Y: f64 = 9.0;
const MIN_WIDTH: f64 = 72.0;
/// Longer label lines are wrapped.
const MAX_LINE: f64 = 190.0;
/// Between nodes of one rank.
const NODE_GAP: f64 = 26.0;
/// Between ranks, at least.
const RANK_GAP: f64 = 48.0;
/// The lane of an edge through a rank it crosses.
const DUMMY: f64 = 10.0;
/// A subgraph's box around its members, and its title band.
const CLUSTER_PAD: f64 = 14.0;
const TITLE: f64 = 20.0;
const MARGIN: f64 = 8.0;
/// Half the height of a cylinder's caps.
const CAP: f64 = 6.0;
const ARROW: f64 = 9.0;

const INK: &str = "#1f2933";
const MUTED: &str = "#5f6b78";
const ACCENT: &str = "#2b6777";
const NODE_FILL: &str = "#eef4f6";
const CLUSTER_FILL: &str = "#f7f9fa";
const CLUSTER_STROKE: &str = "#c5ced6";
const EDGE: &str = "#52606d";

/// A node placed: centre, size, and its label's lines.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedNode {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub rank: usize,
    pub shape: Shape,
    pub lines: Vec<String>,
}

impl PlacedNode {
    fn left(&self) -> f64 {
        self.x - self.width / 2.0
    }
    fn top(&self) -> f64 {
        self.y - self.height / 2.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedEdge {
    /// From the source's border to the target's border.
    pub points: Vec<(f64, f64)>,
    pub arrow: bool,
    pub style: LineStyle,
    pub label: Option<EdgeLabel>,
    /// Drawn against the ranks (an edge of a cycle).
    pub reversed: bool,
}

/// An edge's label, on a white ground over the line.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLabel {
    pub text: String,
    pub centre: (f64, f64),
    pub size: (f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacedCluster {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub title: String,
}

/// A diagram laid out, in SVG user units.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<PlacedNode>,
    pub edges: Vec<PlacedEdge>,
    /// Outer subgraphs first, so that inner boxes are drawn over them.
    pub clusters: Vec<PlacedCluster>,
}

/// The label lines of a node, wrapped to [`MAX_LINE`]: at spaces, or between any two
/// ideographs.
fn wrap(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let mut tokens: Vec<String> = Vec::new();
        let mut word = String::new();
        for c in line.chars() {
            if c == ' ' {
                word.push(c);
                tokens.push(std::mem::take(&mut word));
            } else if c >= '\u{2E80}' {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                tokens.push(c.to_string());
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            tokens.push(word);
        }
        let mut current = String::new();
        for token in tokens {
            let candidate = format!("{current}{token}");
            if !current.is_empty() && text_width(candidate.trim_end(), FONT) > MAX_LINE {
                out.push(current.trim_end().to_string());
                current = token.trim_start().to_string();
            } else {
                current = candidate;
            }
        }
        out.push(current.trim_end().to_string());
    }
    out
}

/// The size of a node of `shape` around `lines`.
fn node_size(shape: Shape, lines: &[String]) -> (f64, f64) {
    let text_w = lines
        .iter()
        .map(|l| text_width(l, FONT))
        .fold(0.0, f64::max);
    let w = (text_w + 2.0 * PAD_X).max(MIN_WIDTH);
    let h = lines.len() as f64 * LINE + 2.0 * PAD_Y;
    match shape {
        Shape::Box | Shape::Rounded => (w, h),
        // The text's box inscribed in the circle: its diagonal is the diameter.
        Shape::Circle => {
            let d = ((text_w + 12.0).powi(2) + (lines.len() as f64 * LINE + 6.0).powi(2)).sqrt();
            (d.max(h), d.max(h))
        }
        Shape::Cylinder => (w, h + 2.0 * CAP),
    }
}

/// A vertex of the layered graph: a node, or a dummy on a long edge.
struct Vertex {
    rank: usize,
    /// Size along the ranks and across them.
    along: f64,
    across: f64,
    /// Innermost subgraph.
    cluster: Option<usize>,
    node: Option<usize>,
}

/// One edge of the diagram as chains of vertices, in rank order.
struct Chain {
    edge: usize,
    vertices: Vec<usize>,
    reversed: bool,
}

/// Lays the diagram out.
pub fn layout(chart: &Flowchart) -> Layout {
    let horizontal = matches!(chart.direction, Direction::LR | Direction::RL);
    let n = chart.nodes.len();
    let lines: Vec<Vec<String>> = chart.nodes.iter().map(|node| wrap(&node.label)).collect();
    let sizes: Vec<(f64, f64)> = chart
        .nodes
        .iter()
        .zip(&lines)
        .map(|(node, l)| node_size(node.shape, l))
        .collect();

    // 1. Break cycles: edges to a vertex on the DFS stack go back.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, e) in chart.edges.iter().enumerate() {
        if e.from != e.to {
            out[e.from].push(i);
        }
    }
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut reversed = vec![false; chart.edges.len()];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&edge) = out[v].get(*next) {
                *next += 1;
                let w = chart.edges[edge].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[edge] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    let dag: Vec<(usize, usize, usize)> = chart
        .edges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.from != e.to)
        .map(|(i, e)| {
            if reversed[i] {
                (e.to, e.from, i)
            } else {
                (e.from, e.to, i)
            }
        })
        .collect();

    // 2. Ranks by longest path (Kahn's order over the DAG).
    let mut indegree = vec![0usize; n];
    let mut successors: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in &dag {
        indegree[b] += 1;
        successors[a].push(b);
    }
    let mut rank = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).rev().collect();
    let mut topo = Vec::with_capacity(n);
    let mut left = indegree.clone();
    while let Some(v) = ready.pop() {
        topo.push(v);
        for &w in successors[v].iter().rev() {
            rank[w] = rank[w].max(rank[v] + 1);
            left[w] -= 1;
            if left[w] == 0 {
                ready.push(w);
            }
        }
    }
    // A source sits just before its nearest successor.
    for &v in &topo {
        if indegree[v] == 0
            && let Some(nearest) = successors[v].iter().map(|&w| rank[w]).min()
        {
            rank[v] = nearest.saturating_sub(1);
        }
    }

    // 3. Vertices: the nodes, then the dummies of long edges.
    let cross_size = |(w, h): (f64, f64)| if horizontal { (w, h) } else { (h, w) };
    let mut vertices: Vec<Vertex> = (0..n)
        .map(|i| {
            let (along, across) = cross_size(sizes[i]);
            Vertex {
                rank: rank[i],
                along,
                across,
                cluster: chart.nodes[i].subgraph,
                node: Some(i),
            }
        })
        .collect();
    let parents: Vec<Option<usize>> = chart.subgraphs.iter().map(|s| s.parent).collect();
    let path_of = |cluster: Option<usize>| {
        let mut path = Vec::new();
        let mut c = cluster;
        while let Some(x) = c {
            path.push(x);
            c = parents[x];
        }
        path.reverse();
        path
    };
    let mut chains = Vec::new();
    for &(a, b, edge) in &dag {
        let mut chain = vec![a];
        let common = {
            let (pa, pb) = (
                path_of(chart.nodes[a].subgraph),
                path_of(chart.nodes[b].subgraph),
            );
            pa.iter()
                .zip(&pb)
                .take_while(|(x, y)| x == y)
                .last()
                .map(|(x, _)| *x)
        };
        for r in rank[a] + 1..rank[b] {
            vertices.push(Vertex {
                rank: r,
                along: 0.0,
                across: DUMMY,
                cluster: common,
                node: None,
            });
            chain.push(vertices.len() - 1);
        }
        chain.push(b);
        chains.push(Chain {
            edge,
            vertices: chain,
            reversed: reversed[edge],
        });
    }
    let ranks = vertices.iter().map(|v| v.rank + 1).max().unwrap_or(0);
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); vertices.len()];
    for chain in &chains {
        for pair in chain.vertices.windows(2) {
            down[pair[0]].push(pair[1]);
            up[pair[1]].push(pair[0]);
        }
    }

    // 4. Order within ranks.
    let paths: Vec<Vec<usize>> = vertices.iter().map(|v| path_of(v.cluster)).collect();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for (i, v) in vertices.iter().enumerate() {
        layers[v.rank].push(i);
    }
    let mut position = vec![0.0f64; vertices.len()];
    let set_positions = |layers: &[Vec<usize>], position: &mut Vec<f64>| {
        for layer in layers {
            for (p, &v) in layer.iter().enumerate() {
                position[v] = p as f64;
            }
        }
    };
    set_positions(&layers, &mut position);
    let group = |layers: &mut Vec<Vec<usize>>, keys: &[f64]| {
        // A subgraph's key is the mean key of all its members, in every rank: the same in each.
        let mut sums: HashMap<usize, (f64, f64)> = HashMap::new();
        for (v, path) in paths.iter().enumerate() {
            for &c in path {
                let e = sums.entry(c).or_default();
                e.0 += keys[v];
                e.1 += 1.0;
            }
        }
        let cluster_key: HashMap<usize, f64> =
            sums.into_iter().map(|(c, (s, k))| (c, s / k)).collect();
        for layer in layers.iter_mut() {
            layer.sort_by(|&a, &b| {
                let key = |v: usize| {
                    let mut k: Vec<(f64, usize)> =
                        paths[v].iter().map(|c| (cluster_key[c], c + 1)).collect();
                    k.push((keys[v], usize::MAX / 2 + v));
                    k
                };
                let (ka, kb) = (key(a), key(b));
                for (x, y) in ka.iter().zip(&kb) {
                    let o = x.0.total_cmp(&y.0).then(x.1.cmp(&y.1));
                    if o.is_ne() {
                        return o;
                    }
                }
                // One is a subgraph's member and the other in the subgraph too, deeper: the
                // deeper one is a block, the other a vertex; keep their keys' order.
                ka.len().cmp(&kb.len())
            });
        }
    };
    let initial = position.clone();
    group(&mut layers, &initial);
    set_positions(&layers, &mut position);
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, &down, &position);
    for sweep in 0..8 {
        let downward = sweep % 2 == 0;
        let order: Vec<usize> = if downward {
            (1..ranks).collect()
        } else {
            (0..ranks.saturating_sub(1)).rev().collect()
        };
        for r in order {
            let neighbours = if downward { &up } else { &down };
            let mut keys = position.clone();
            for &v in &layers[r] {
                let adjacent = &neighbours[v];
                if !adjacent.is_empty() {
                    keys[v] =
                        adjacent.iter().map(|&u| position[u]).sum::<f64>() / adjacent.len() as f64;
                }
            }
            let mut one = vec![std::mem::take(&mut layers[r])];
            group(&mut one, &keys);
            layers[r] = one.pop().unwrap_or_default();
            for (p, &v) in layers[r].iter().enumerate() {
                position[v] = p as f64;
            }
        }
        let c = crossings(&layers, &down, &position);
        if c < best_crossings {
            best_crossings = c;
            best = layers.clone();
        }
    }
    let layers = best;
    set_positions(&layers, &mut position);

    // 5a. Along the ranks: each rank as deep as its largest vertex, gaps wide enough for the
    // labels of the edges that cross them and for subgraph boxes.
    let mut extent = vec![0.0f64; ranks];
    for v in &vertices {
        extent[v.rank] = extent[v.rank].max(v.along);
    }
    // What subgraph boxes need in each gap: the padding of those ending in the rank before it,
    // and the padding (and, top-down, the title) of those starting in the rank after it. A box
    // is widened by a padding per level of subgraphs nested in it, so nested boxes never share
    // an edge.
    let title_along = if horizontal { 0.0 } else { TITLE };
    let mut below: BTreeMap<usize, f64> = BTreeMap::new();
    let mut span: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (v, path) in paths.iter().enumerate() {
        for (level, &c) in path.iter().enumerate() {
            let b = below.entry(c).or_default();
            *b = b.max((path.len() - level - 1) as f64);
            let r = vertices[v].rank;
            let e = span.entry(c).or_insert((r, r));
            *e = (e.0.min(r), e.1.max(r));
        }
    }
    let mut ends = vec![0.0f64; ranks];
    let mut starts = vec![0.0f64; ranks];
    for (c, &(lo, hi)) in &span {
        let b = below[c];
        ends[hi] = ends[hi].max(CLUSTER_PAD * (1.0 + b));
        starts[lo] = starts[lo].max((CLUSTER_PAD + title_along) * (1.0 + b));
    }
    let need = |r: usize| ends[r] + starts.get(r + 1).copied().unwrap_or(0.0);
    let mut gap: Vec<f64> = (0..ranks).map(|r| RANK_GAP + need(r)).collect();
    let label_sizes: Vec<Option<(f64, f64)>> = chart
        .edges
        .iter()
        .map(|e| {
            e.label
                .as_ref()
                .map(|l| (text_width(l, LABEL_FONT) + 10.0, LABEL_FONT + 8.0))
        })
        .collect();
    for chain in &chains {
        if let Some((w, h)) = label_sizes[chain.edge] {
            let r = vertices[chain.vertices[0]].rank;
            let along = if horizontal { w } else { h };
            // Clear of the boxes of subgraphs on either side of the gap, too.
            gap[r] = gap[r].max(along + 28.0 + need(r));
        }
    }
    let mut centre_along = vec![0.0f64; ranks];
    let mut u = MARGIN + starts.first().copied().unwrap_or(0.0);
    for r in 0..ranks {
        centre_along[r] = u + extent[r] / 2.0;
        u += extent[r] + gap[r];
    }
    let total_along =
        u - gap.last().copied().unwrap_or(0.0) + ends.last().copied().unwrap_or(0.0) + MARGIN;

    // 5b. Across the ranks: pack the items of each level in an order every rank agrees with.
    let mut across = vec![0.0f64; vertices.len()];
    let mut cluster_range: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    let title_across = if horizontal { TITLE } else { 0.0 };
    for pass in 0..4 {
        let desired: Vec<Option<f64>> = if pass == 0 {
            vec![None; vertices.len()]
        } else {
            (0..vertices.len())
                .map(|v| {
                    let adjacent: Vec<usize> = up[v].iter().chain(&down[v]).copied().collect();
                    (!adjacent.is_empty()).then(|| {
                        adjacent.iter().map(|&w| across[w]).sum::<f64>() / adjacent.len() as f64
                    })
                })
                .collect()
        };
        let mut packer = Packer {
            vertices: &vertices,
            paths: &paths,
            layers: &layers,
            desired: &desired,
            across: &mut across,
            clusters: &mut cluster_range,
            title: title_across,
        };
        let mut cursor = vec![MARGIN; ranks];
        let all: Vec<usize> = (0..vertices.len()).collect();
        packer.pack(&all, 0, &mut cursor);
        // Pulling toward neighbours only ever moves items forward: move the whole back to the
        // margin, or every pass would leave more empty space before the first item.
        let first = across
            .iter()
            .zip(&vertices)
            .map(|(a, v)| a - v.across / 2.0)
            .chain(cluster_range.values().map(|r| r.0))
            .fold(f64::INFINITY, f64::min);
        if first.is_finite() && first > MARGIN {
            let shift = first - MARGIN;
            for a in across.iter_mut() {
                *a -= shift;
            }
            for r in cluster_range.values_mut() {
                r.0 -= shift;
                r.1 -= shift;
            }
        }
    }
    let total_across = across
        .iter()
        .zip(&vertices)
        .map(|(a, v)| a + v.across / 2.0)
        .chain(cluster_range.values().map(|r| r.1))
        .fold(0.0, f64::max)
        + MARGIN;

    // From (along, across) to (x, y).
    let to_xy = |along: f64, cross: f64| match chart.direction {
        Direction::LR => (along, cross),
        Direction::RL => (total_along - along, cross),
        Direction::TD => (cross, along),
        Direction::BT => (cross, total_along - along),
    };
    let (width, height) = if horizontal {
        (total_along, total_across)
    } else {
        (total_across, total_along)
    };
    let nodes: Vec<PlacedNode> = (0..n)
        .map(|i| {
            let (x, y) = to_xy(centre_along[rank[i]], across[i]);
            PlacedNode {
                x,
                y,
                width: sizes[i].0,
                height: sizes[i].1,
                rank: rank[i],
                shape: chart.nodes[i].shape,
                lines: lines[i].clone(),
            }
        })
        .collect();

    // 6. Edges. Ports: the edges leaving (or entering) one side of a node are spread along it
    // in the order of the other ends.
    let mut ports: HashMap<(usize, bool), Vec<(f64, usize)>> = HashMap::new();
    for (k, chain) in chains.iter().enumerate() {
        let (first, second) = (chain.vertices[0], chain.vertices[1]);
        let last = chain.vertices.len() - 1;
        let (end, before) = (chain.vertices[last], chain.vertices[last - 1]);
        ports
            .entry((first, true))
            .or_default()
            .push((across[second], k));
        ports
            .entry((end, false))
            .or_default()
            .push((across[before], k));
    }
    let mut offset: HashMap<(usize, bool, usize), f64> = HashMap::new();
    for ((v, outward), list) in &mut ports {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let span = port_span(chart.nodes[*v].shape, sizes[*v], horizontal);
        let count = list.len() as f64;
        for (i, (_, k)) in list.iter().enumerate() {
            let o = if count <= 1.0 {
                0.0
            } else {
                -span + 2.0 * span * i as f64 / (count - 1.0)
            };
            offset.insert((*v, *outward, *k), o);
        }
    }
    let mut edges: Vec<Option<PlacedEdge>> = vec![None; chart.edges.len()];
    for (k, chain) in chains.iter().enumerate() {
        let mut points: Vec<(f64, f64)> = Vec::new();
        let last = chain.vertices.len() - 1;
        for (i, &v) in chain.vertices.iter().enumerate() {
            let r = vertices[v].rank;
            let (lo, hi) = (
                centre_along[r] - extent[r] / 2.0,
                centre_along[r] + extent[r] / 2.0,
            );
            match vertices[v].node {
                Some(node) => {
                    let outward = i == 0;
                    let o = offset[&(v, outward, k)];
                    let border = border_along(chart.nodes[node].shape, sizes[node], horizontal, o);
                    let centre = centre_along[r];
                    let (at, band_edge) = if outward {
                        (centre + border, hi)
                    } else {
                        (centre - border, lo)
                    };
                    let cross = across[v] + o;
                    if outward {
                        points.push((at, cross));
                        if band_edge > at + 0.01 {
                            points.push((band_edge, cross));
                        }
                    } else {
                        if band_edge < at - 0.01 {
                            points.push((band_edge, cross));
                        }
                        points.push((at, cross));
                    }
                    if i == last {
                        break;
                    }
                }
                None => {
                    points.push((lo, across[v]));
                    if hi > lo + 0.01 {
                        points.push((hi, across[v]));
                    }
                }
            }
        }
        let e = &chart.edges[chain.edge];
        // The label sits in the middle of the first gap the edge crosses.
        let label = e.label.as_ref().map(|text| {
            let gap_start = points
                .iter()
                .position(|p| {
                    p.0 >= centre_along[vertices[chain.vertices[0]].rank]
                        + extent[vertices[chain.vertices[0]].rank] / 2.0
                        - 0.01
                })
                .unwrap_or(0);
            let a = points[gap_start];
            let b = points.get(gap_start + 1).copied().unwrap_or(a);
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            let (w, h) = label_sizes[chain.edge].unwrap_or((0.0, 0.0));
            EdgeLabel {
                text: text.clone(),
                centre: to_xy(mid.0, mid.1),
                size: (w, h),
            }
        });
        let mut points: Vec<(f64, f64)> = points.into_iter().map(|(a, c)| to_xy(a, c)).collect();
        if chain.reversed {
            points.reverse();
        }
        edges[chain.edge] = Some(PlacedEdge {
            points,
            arrow: e.arrow,
            style: e.style,
            label,
            reversed: chain.reversed,
        });
    }
    // Self-loops: out of one side and back into it, on the side away from the next rank... on
    // the top (LR) or the right (TD), where the gap between neighbours leaves room.
    for (i, e) in chart.edges.iter().enumerate() {
        if e.from != e.to {
            continue;
        }
        let node = &nodes[e.from];
        let points = if horizontal {
            let top = node.top();
            vec![
                (node.x - 12.0, top),
                (node.x - 12.0, top - 16.0),
                (node.x + 12.0, top - 16.0),
                (node.x + 12.0, top),
            ]
        } else {
            let right = node.left() + node.width;
            vec![
                (right, node.y - 10.0),
                (right + 18.0, node.y - 10.0),
                (right + 18.0, node.y + 10.0),
                (right, node.y + 10.0),
            ]
        };
        let label = e.label.as_ref().map(|text| {
            let (w, h) = label_sizes[i].unwrap_or((0.0, 0.0));
            let (x, y) = points[1];
            EdgeLabel {
                text: text.clone(),
                centre: (x + w / 2.0 + 14.0, y),
                size: (w, h),
            }
        });
        edges[i] = Some(PlacedEdge {
            points,
            arrow: e.arrow,
            style: e.style,
            label,
            reversed: false,
        });
    }

    let mut clusters: Vec<(usize, PlacedCluster)> = cluster_range
        .iter()
        .filter_map(|(&c, &(lo, hi))| {
            let members: Vec<usize> = (0..vertices.len())
                .filter(|&v| paths[v].contains(&c))
                .collect();
            let r_lo = members
                .iter()
                .map(|&v| centre_along[vertices[v].rank] - vertices[v].along / 2.0);
            let along_lo = r_lo.fold(f64::INFINITY, f64::min);
            let along_hi = members
                .iter()
                .map(|&v| centre_along[vertices[v].rank] + vertices[v].along / 2.0)
                .fold(f64::NEG_INFINITY, f64::max);
            if !along_lo.is_finite() {
                return None;
            }
            let level = paths
                .iter()
                .filter_map(|p| p.iter().position(|&x| x == c))
                .next()
                .unwrap_or(0);
            // Nested boxes must not share an edge: each level of subgraphs below this one
            // widens it by a padding (and, top-down, a title).
            let below = paths
                .iter()
                .filter_map(|p| p.iter().position(|&x| x == c).map(|i| p.len() - i - 1))
                .max()
                .unwrap_or(0) as f64;
            let pad = CLUSTER_PAD * (1.0 + below);
            let (a0, a1) = (along_lo - pad - title_along * (1.0 + below), along_hi + pad);
            let (p0, p1) = (to_xy(a0, lo), to_xy(a1, hi));
            Some((
                level,
                PlacedCluster {
                    x: p0.0.min(p1.0),
                    y: p0.1.min(p1.1),
                    width: (p1.0 - p0.0).abs(),
                    height: (p1.1 - p0.1).abs(),
                    title: chart.subgraphs[c].title.clone(),
                },
            ))
        })
        .collect();
    clusters.sort_by_key(|(level, _)| *level);

    Layout {
        width,
        height,
        nodes,
        edges: edges.into_iter().flatten().collect(),
        clusters: clusters.into_iter().map(|(_, c)| c).collect(),
    }
}

/// How far from the centre, along the ranks, the border of a node is at a port `offset` across.
fn border_along(shape: Shape, (w, h): (f64, f64), horizontal: bool, offset: f64) -> f64 {
    let (along, across) = if horizontal { (w, h) } else { (h, w) };
    match shape {
        Shape::Box | Shape::Rounded => along / 2.0,
        Shape::Circle => {
            let r = w / 2.0;
            (r * r - offset * offset).max(0.0).sqrt()
        }
        Shape::Cylinder if horizontal => along / 2.0,
        // Top and bottom are the caps: half-ellipses of radii w/2 and CAP.
        Shape::Cylinder => {
            let rx = across / 2.0;
            let t = (1.0 - (offset / rx).powi(2)).max(0.0).sqrt();
            along / 2.0 - CAP + CAP * t
        }
    }
}

/// How far from the centre, across, ports may be spread on a side.
fn port_span(shape: Shape, (w, h): (f64, f64), horizontal: bool) -> f64 {
    let across = if horizontal { h } else { w };
    match shape {
        Shape::Box | Shape::Rounded => (across / 2.0 - 6.0).max(0.0) * 0.7,
        Shape::Circle => across / 2.0 * 0.5,
        Shape::Cylinder if horizontal => (across / 2.0 - CAP - 4.0).max(0.0) * 0.7,
        Shape::Cylinder => across / 2.0 * 0.6,
    }
}

/// Edge crossings between adjacent ranks.
fn crossings(layers: &[Vec<usize>], down: &[Vec<usize>], position: &[f64]) -> usize {
    let mut total = 0;
    for layer in layers {
        let segments: Vec<(f64, f64)> = layer
            .iter()
            .flat_map(|&v| down[v].iter().map(move |&w| (position[v], position[w])))
            .collect();
        for (i, a) in segments.iter().enumerate() {
            for b in &segments[i + 1..] {
                if (a.0 - b.0) * (a.1 - b.1) < 0.0 {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Places items across the ranks: a vertex after the previous item of its rank, a subgraph as
/// one block after the previous items of all the ranks it spans.
struct Packer<'a> {
    vertices: &'a [Vertex],
    paths: &'a [Vec<usize>],
    layers: &'a [Vec<usize>],
    desired: &'a [Option<f64>],
    across: &'a mut [f64],
    clusters: &'a mut BTreeMap<usize, (f64, f64)>,
    title: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Vertex(usize),
    Cluster(usize),
}

impl Packer<'_> {
    /// Packs `members` (the vertices under one subgraph, or all) at nesting `level`.
    fn pack(&mut self, members: &[usize], level: usize, cursor: &mut [f64]) {
        let item_of = |v: usize| match self.paths[v].get(level) {
            Some(&c) => Item::Cluster(c),
            None => Item::Vertex(v),
        };
        let inside: std::collections::HashSet<usize> = members.iter().copied().collect();
        // Each rank's sequence of items; merged into one order all of them agree with.
        let mut before: HashMap<Item, Vec<Item>> = HashMap::new();
        let mut seen: Vec<Item> = Vec::new();
        for layer in self.layers {
            let mut previous: Option<Item> = None;
            for &v in layer.iter().filter(|v| inside.contains(v)) {
                let item = item_of(v);
                if !seen.contains(&item) {
                    seen.push(item);
                }
                if let Some(p) = previous
                    && p != item
                {
                    before.entry(item).or_default().push(p);
                }
                previous = Some(item);
            }
        }
        let mut placed: Vec<Item> = Vec::new();
        while placed.len() < seen.len() {
            let next = seen
                .iter()
                .find(|i| {
                    !placed.contains(i)
                        && before
                            .get(i)
                            .is_none_or(|b| b.iter().all(|p| placed.contains(p)))
                })
                // Orders that disagree (they should not): take the first left; packing still
                // keeps every item clear of the others.
                .or_else(|| seen.iter().find(|i| !placed.contains(i)))
                .copied();
            let Some(item) = next else { break };
            placed.push(item);
            match item {
                Item::Vertex(v) => {
                    let r = self.vertices[v].rank;
                    let size = self.vertices[v].across;
                    let start = match self.desired[v] {
                        Some(d) => cursor[r].max(d - size / 2.0),
                        None => cursor[r],
                    };
                    self.across[v] = start + size / 2.0;
                    cursor[r] = start + size + NODE_GAP;
                }
                Item::Cluster(c) => {
                    let inner: Vec<usize> = members
                        .iter()
                        .copied()
                        .filter(|&v| self.paths[v].get(level) == Some(&c))
                        .collect();
                    let ranks: Vec<usize> = inner.iter().map(|&v| self.vertices[v].rank).collect();
                    let (r0, r1) = (
                        ranks.iter().copied().min().unwrap_or(0),
                        ranks.iter().copied().max().unwrap_or(0),
                    );
                    let start = (r0..=r1)
                        .map(|r| cursor[r])
                        .fold(f64::NEG_INFINITY, f64::max);
                    let mut inner_cursor = cursor.to_vec();
                    for slot in &mut inner_cursor[r0..=r1] {
                        *slot = start + CLUSTER_PAD + self.title;
                    }
                    self.pack(&inner, level + 1, &mut inner_cursor);
                    let end = (r0..=r1)
                        .map(|r| inner_cursor[r])
                        .fold(f64::NEG_INFINITY, f64::max)
                        - NODE_GAP
                        + CLUSTER_PAD;
                    self.clusters.insert(c, (start, end));
                    for slot in &mut cursor[r0..=r1] {
                        *slot = end + NODE_GAP;
                    }
                }
            }
        }
    }
}

/// The diagram as a standalone SVG document; `title` names it for screen readers.
pub fn diagram_svg(chart: &Flowchart, title: &str, font_family: &str) -> String {
    let layout = layout(chart);
    let mut svg = Svg::new(layout.width, layout.height);
    for c in &layout.clusters {
        svg.rounded_rect(
            (c.x, c.y, c.width, c.height),
            6.0,
            CLUSTER_FILL,
            (CLUSTER_STROKE, 1.0),
        );
        svg.fitted_text(
            c.x + 10.0,
            c.y + TITLE / 2.0 + 3.0,
            &c.title,
            c.width - 20.0,
            TextStyle {
                size: 11.5,
                fill: MUTED,
                anchor: Anchor::Start,
                bold: true,
            },
        );
    }
    for e in &layout.edges {
        let width = if e.style == LineStyle::Thick {
            2.6
        } else {
            1.4
        };
        let dash = (e.style == LineStyle::Dotted).then_some("5 4");
        let mut points = e.points.clone();
        if e.arrow && points.len() >= 2 {
            let tip = points[points.len() - 1];
            let from = points[points.len() - 2];
            let (dx, dy) = (tip.0 - from.0, tip.1 - from.1);
            let len = (dx * dx + dy * dy).sqrt().max(0.001);
            let (ux, uy) = (dx / len, dy / len);
            let back = ARROW.min(len);
            // The line stops at the arrowhead's base, so its end does not show past the tip.
            if let Some(last) = points.last_mut() {
                *last = (tip.0 - ux * back * 0.8, tip.1 - uy * back * 0.8);
            }
            svg.polyline(&points, EDGE, width, dash);
            let base = (tip.0 - ux * ARROW, tip.1 - uy * ARROW);
            let half = ARROW * 0.45;
            svg.polygon(
                &[
                    tip,
                    (base.0 - uy * half, base.1 + ux * half),
                    (base.0 + uy * half, base.1 - ux * half),
                ],
                EDGE,
            );
        } else {
            svg.polyline(&points, EDGE, width, dash);
        }
    }
    for e in &layout.edges {
        if let Some(EdgeLabel {
            text,
            centre: (x, y),
            size: (w, h),
        }) = &e.label
        {
            svg.rounded_rect(
                (x - w / 2.0, y - h / 2.0, *w, *h),
                3.0,
                "#ffffff",
                ("#ffffff", 0.0),
            );
            svg.text(
                *x,
                *y,
                text,
                TextStyle {
                    size: LABEL_FONT,
                    fill: MUTED,
                    anchor: Anchor::Middle,
                    bold: false,
                },
            );
        }
    }
    for (node, source) in layout.nodes.iter().zip(&chart.nodes) {
        svg.group_with_title(&source.id);
        let stroke = (ACCENT, 1.3);
        match node.shape {
            Shape::Box => svg.rounded_rect(
                (node.left(), node.top(), node.width, node.height),
                2.0,
                NODE_FILL,
                stroke,
            ),
            Shape::Rounded => svg.rounded_rect(
                (node.left(), node.top(), node.width, node.height),
                node.height.min(24.0) / 2.0,
                NODE_FILL,
                stroke,
            ),
            Shape::Circle => svg.ellipse(
                (node.x, node.y),
                (node.width / 2.0, node.height / 2.0),
                NODE_FILL,
                stroke,
            ),
            Shape::Cylinder => {
                let (l, r) = (node.left(), node.left() + node.width);
                let (t, b) = (node.top() + CAP, node.top() + node.height - CAP);
                let rx = node.width / 2.0;
                let n = svg::num;
                let body = format!(
                    "M {} {} L {} {} A {} {} 0 0 0 {} {} L {} {} A {} {} 0 0 0 {} {} Z",
                    n(l),
                    n(t),
                    n(l),
                    n(b),
                    n(rx),
                    n(CAP),
                    n(r),
                    n(b),
                    n(r),
                    n(t),
                    n(rx),
                    n(CAP),
                    n(l),
                    n(t)
                );
                svg.path(&body, NODE_FILL, stroke);
                svg.ellipse((node.x, t), (rx, CAP), NODE_FILL, stroke);
            }
        }
        let offset = if node.shape == Shape::Cylinder {
            CAP / 2.0
        } else {
            0.0
        };
        let first = node.y + offset - (node.lines.len() as f64 - 1.0) * LINE / 2.0;
        for (i, line) in node.lines.iter().enumerate() {
            svg.text(
                node.x,
                first + i as f64 * LINE,
                line,
                TextStyle {
                    size: FONT,
                    fill: INK,
                    anchor: Anchor::Middle,
                    bold: false,
                },
            );
        }
        svg.end_group();
    }
    svg.finish(title, font_family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigops_mermaid::parse;

    fn laid(text: &str) -> (Flowchart, Layout) {
        let chart = parse("t.mmd", text).unwrap();
        let layout = layout(&chart);
        (chart, layout)
    }

    fn overlap(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
        a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
    }

    fn rect(n: &PlacedNode) -> (f64, f64, f64, f64) {
        (n.left(), n.top(), n.width, n.height)
    }

    /// Whether `p` is on the outline of `n`, by the shape's own geometry.
    fn on_border(n: &PlacedNode, (x, y): (f64, f64)) -> bool {
        let eps = 0.05;
        let (dx, dy) = (x - n.x, y - n.y);
        let (hw, hh) = (n.width / 2.0, n.height / 2.0);
        let on_rect = ((dx.abs() - hw).abs() < eps && dy.abs() <= hh + eps)
            || ((dy.abs() - hh).abs() < eps && dx.abs() <= hw + eps);
        match n.shape {
            Shape::Box | Shape::Rounded => on_rect,
            Shape::Circle => ((dx * dx + dy * dy).sqrt() - hw).abs() < eps,
            Shape::Cylinder => {
                let side = (dx.abs() - hw).abs() < eps && dy.abs() <= hh - CAP + eps;
                let cap_centre = if dy < 0.0 { -(hh - CAP) } else { hh - CAP };
                let e = (dx / hw).powi(2) + ((dy - cap_centre) / CAP).powi(2);
                let on_cap = (e - 1.0).abs() < 0.02 && (dy.abs() >= hh - CAP - eps);
                side || on_cap
            }
        }
    }

    fn check(text: &str) -> (Flowchart, Layout) {
        let (chart, layout) = laid(text);
        for (i, a) in layout.nodes.iter().enumerate() {
            for b in &layout.nodes[i + 1..] {
                assert!(!overlap(rect(a), rect(b)), "{a:?} overlaps {b:?}");
            }
            assert!(a.left() >= 0.0 && a.top() >= 0.0);
            assert!(a.left() + a.width <= layout.width + 0.01);
            assert!(a.top() + a.height <= layout.height + 0.01);
        }
        for (e, placed) in chart.edges.iter().zip(&layout.edges) {
            let (first, last) = (placed.points[0], *placed.points.last().unwrap());
            assert!(
                on_border(&layout.nodes[e.from], first),
                "{e:?}: {first:?} off {:?}",
                layout.nodes[e.from]
            );
            assert!(
                on_border(&layout.nodes[e.to], last),
                "{e:?}: {last:?} off {:?}",
                layout.nodes[e.to]
            );
        }
        // A subgraph's box holds its members and no other node.
        for (c, cluster) in layout.clusters.iter().enumerate() {
            let b = (cluster.x, cluster.y, cluster.width, cluster.height);
            let sub = chart
                .subgraphs
                .iter()
                .position(|s| s.title == cluster.title)
                .unwrap();
            let within = |mut s: Option<usize>| {
                while let Some(x) = s {
                    if x == sub {
                        return true;
                    }
                    s = chart.subgraphs[x].parent;
                }
                false
            };
            for (node, placed) in chart.nodes.iter().zip(&layout.nodes) {
                let r = rect(placed);
                if within(node.subgraph) {
                    assert!(
                        r.0 >= b.0
                            && r.1 >= b.1
                            && r.0 + r.2 <= b.0 + b.2
                            && r.1 + r.3 <= b.1 + b.3,
                        "cluster {c} misses {}",
                        node.id
                    );
                } else {
                    assert!(!overlap(r, b), "cluster {c} encloses {}", node.id);
                }
            }
        }
        (chart, layout)
    }

    #[test]
    fn ranks_follow_the_edges_of_a_dag() {
        let (chart, layout) = check(
            "flowchart LR\n a[Client] --> b[API] --> c[(DB)]\n b --> d((Cache))\n a --> e[CDN] --> b\n c --> f[Backup]\n",
        );
        for e in &chart.edges {
            assert!(layout.nodes[e.from].rank < layout.nodes[e.to].rank, "{e:?}");
            // Left to right: the target is to the right of the source.
            assert!(layout.nodes[e.from].x < layout.nodes[e.to].x);
        }
        assert_eq!(
            layout.nodes.iter().map(|n| n.rank).collect::<Vec<_>>(),
            [0, 2, 3, 3, 1, 4]
        );
    }

    #[test]
    fn top_down_and_mirrored_directions() {
        let (_, td) = check("flowchart TD\n a --> b --> c\n a --> c\n");
        assert!(td.nodes[0].y < td.nodes[1].y && td.nodes[1].y < td.nodes[2].y);
        let (_, bt) = check("flowchart BT\n a --> b\n");
        assert!(bt.nodes[0].y > bt.nodes[1].y);
        let (_, rl) = check("flowchart RL\n a --> b\n");
        assert!(rl.nodes[0].x > rl.nodes[1].x);
    }

    #[test]
    fn cycles_are_laid_out_and_keep_their_direction() {
        let (chart, layout) = check("flowchart LR\n a --> b --> c --> a\n c --> d\n b --> b\n");
        let back: Vec<bool> = layout.edges.iter().map(|e| e.reversed).collect();
        assert_eq!(back, [false, false, true, false, false]);
        // The edge closing the cycle still ends at its own target, a.
        let closing = &layout.edges[2];
        assert!(on_border(&layout.nodes[0], *closing.points.last().unwrap()));
        assert!(on_border(
            &layout.nodes[chart.edges[2].from],
            closing.points[0]
        ));
    }

    #[test]
    fn subgraphs_enclose_their_members_only() {
        check(
            "flowchart LR\n u[User] --> gw[Gateway]\n subgraph core [Core services]\n gw --> orders[Orders] --> db[(Orders DB)]\n gw --> users[Users]\n subgraph data [Data]\n db\n cache((Cache))\n end\n end\n orders --> mail[Mail provider]\n users --> cache\n u --> cdn[CDN]\n",
        );
        check(
            "flowchart TD\n a --> b\n subgraph s [Box]\n b --> c\n end\n a --> d --> c\n a --> e --> f --> c\n",
        );
    }

    #[test]
    fn labels_fit_their_boxes_in_both_scripts() {
        let (_, layout) = check(
            "flowchart LR\n a[订单服务（支持退款与分账）] --> b[A very long label that keeps going well past the wrapping width]\n",
        );
        for n in &layout.nodes {
            for line in &n.lines {
                assert!(
                    text_width(line, FONT) + 2.0 * PAD_X <= n.width + 0.01,
                    "{line}"
                );
                assert!(text_width(line, FONT) <= MAX_LINE + 0.01, "{line}");
            }
            assert!(n.height >= n.lines.len() as f64 * LINE);
        }
        assert!(layout.nodes[1].lines.len() >= 2);
    }

    #[test]
    fn crossings_are_reduced() {
        // Drawn in this order the edges cross; the sweeps untangle them.
        let (_, first) = check(
            "flowchart LR\n a --> x\n b --> y\n c --> z\n a --> z2[z2]\n x --> q\n c --> q2[q2]\n z --> r\n y --> r2[r2]\n",
        );
        assert!(first.width > 0.0);
        let chart = parse(
            "t",
            "flowchart TD\n a1 --> b3\n a2 --> b2\n a3 --> b1\n b1 --> c\n",
        )
        .unwrap();
        let l = layout(&chart);
        let order = |id: usize| l.nodes[id].x;
        // a1→b3, a2→b2, a3→b1 without a crossing: the b's in the a's order.
        let idx = |name: &str| chart.nodes.iter().position(|n| n.id == name).unwrap();
        assert_eq!(
            order(idx("a1")) < order(idx("a2")),
            order(idx("b3")) < order(idx("b2"))
        );
    }

    #[test]
    fn the_svg_is_self_contained_and_escaped() {
        let chart = parse(
            "t",
            "flowchart LR\n a[\"<script>x</script>\"] -->|\"&\"| b((数据库))\n",
        )
        .unwrap();
        let out = diagram_svg(&chart, "Architecture", "sans-serif");
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(out.contains("&lt;script&gt;"));
        assert!(!out.contains("<script>"));
        assert!(out.contains("数据库"));
        assert!(!out.contains("<style") && !out.contains("url(") && !out.contains("marker"));
    }
}

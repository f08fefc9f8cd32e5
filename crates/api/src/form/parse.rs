//! Bytes → parameter tree: splitting pairs, percent-decoding, reading bracketed keys.
//!
//! A numeric segment stays the key it was sent as: `metadata[123]` is the metadata key `"123"` and `items[0]` the
//! first item, and only the target type can tell them apart, so the deserializer reads such a map as a list when
//! asked for one. Only `[]` makes a list here; numeric keys join it when both are sent (`a[0]=x&a[]=y`).

use std::collections::{BTreeMap, HashMap};

use percent_encoding::percent_decode;
use portico_core::{ParamCode, ParamError};

use super::error::{mixed_keys, quoted, repeated_index, too_large_index};
use super::{FormMap, FormValue, is_index};

/// More bracket levels than any Stripe parameter needs; bounds the tree's depth and so every recursion over it.
const MAX_DEPTH: usize = 10;

/// One bracketed part of a key.
enum Segment {
    /// `[name]` or `[3]`
    Key(String),
    /// `[]`
    Append,
}

/// Where an item sits in a list: indexed items by index, then `[]` items in arrival order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Index(u64),
    Appended(usize),
}

/// The tree while it is being built; lists stay sparse until [`Node::into_value`] closes the gaps.
enum Node {
    Str(String),
    Map(MapNode),
    List(ListNode),
}

#[derive(Default)]
struct MapNode {
    entries: Vec<(String, Node)>,
    positions: HashMap<String, usize>,
}

#[derive(Default)]
struct ListNode {
    items: BTreeMap<Slot, Node>,
    appended: usize,
}

pub(super) fn parse(input: &[u8]) -> Result<FormMap, ParamError> {
    let mut root = MapNode::default();
    for pair in input.split(|&byte| byte == b'&').filter(|pair| !pair.is_empty()) {
        let (raw_key, raw_value) = match pair.iter().position(|&byte| byte == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let (key, value) = (decode_component(raw_key)?, decode_component(raw_value)?);
        // Rack drops nameless pairs (`=v`) the same way.
        if key.is_empty() {
            continue;
        }
        // PostgreSQL's text and JSONB cannot hold U+0000: refused here, it is refused the same way on both backends.
        if key.contains('\0') || value.contains('\0') {
            return Err(ParamError {
                code: ParamCode::InvalidRequest,
                param: (!key.contains('\0')).then(|| key.clone()),
                message: "Request parameters must not contain null bytes (%00).".to_owned(),
            });
        }
        let (name, segments) = split_key(&key)?;
        insert(&mut root, name, segments, value)?;
    }
    Ok(root.into_form_map())
}

fn decode_component(raw: &[u8]) -> Result<String, ParamError> {
    let spaced: Vec<u8> = raw.iter().map(|&byte| if byte == b'+' { b' ' } else { byte }).collect();
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes).map_err(|_| ParamError {
        code: ParamCode::InvalidRequest,
        param: None,
        message: "Invalid UTF-8 in request parameters.".to_owned(),
    })
}

/// Splits `a[b][0][]` into `a` and its segments.
fn split_key(key: &str) -> Result<(&str, Vec<Segment>), ParamError> {
    let (name, mut rest) = key.split_at(key.find('[').unwrap_or(key.len()));
    if name.is_empty() || name.contains(']') {
        return Err(malformed(key));
    }
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner_and_rest = rest.strip_prefix('[').ok_or_else(|| malformed(key))?;
        let close = inner_and_rest.find(']').ok_or_else(|| malformed(key))?;
        let (inner, after) = (&inner_and_rest[..close], &inner_and_rest[close + 1..]);
        if inner.contains('[') {
            return Err(malformed(key));
        }
        if segments.len() == MAX_DEPTH {
            let message =
                format!("Invalid {}: parameters may be nested at most {MAX_DEPTH} levels deep.", quoted(name));
            return Err(ParamError::invalid(name, message));
        }
        segments.push(match inner {
            "" => Segment::Append,
            _ => Segment::Key(inner.to_owned()),
        });
        rest = after;
    }
    Ok((name, segments))
}

fn insert(root: &mut MapNode, name: &str, mut segments: Vec<Segment>, value: String) -> Result<(), ParamError> {
    // `expand=x` is one more path, so `expand=a&expand[]=b` is a list rather than a clash; `expand=` adds none.
    if name == "expand" && segments.is_empty() {
        if value.is_empty() {
            return match root.get_mut(name) {
                None => {
                    root.insert(name.to_owned(), Node::List(ListNode::default()));
                    Ok(())
                }
                Some(Node::List(_)) => Ok(()),
                Some(Node::Map(map)) if map.has_only_indexes() => Ok(()),
                Some(_) => Err(clash(name)),
            };
        }
        segments.push(Segment::Append);
    }
    match root.get_mut(name) {
        Some(node) => place(node, &mut name.to_owned(), &segments, value),
        None => {
            root.insert(name.to_owned(), fresh(&segments, value));
            Ok(())
        }
    }
}

/// Puts `value` below an existing `node`; `path` is the node's name in bracket notation, for errors.
fn place(node: &mut Node, path: &mut String, segments: &[Segment], value: String) -> Result<(), ParamError> {
    let Some((first, rest)) = segments.split_first() else {
        return match node {
            // A repeated scalar: the last value wins.
            Node::Str(old) => {
                *old = value;
                Ok(())
            }
            Node::Map(_) | Node::List(_) => Err(scalar_clash(path)),
        };
    };
    // `a[0]=x&a[]=y`: the numeric keys were list items after all.
    if let (Node::Map(map), Segment::Append) = (&mut *node, first) {
        let list = ListNode::from_indexes(std::mem::take(map), path)?;
        *node = Node::List(list);
    }
    match (node, first) {
        (Node::Map(map), Segment::Key(key)) => {
            path.push_str(&format!("[{key}]"));
            match map.get_mut(key) {
                Some(child) => place(child, path, rest, value),
                None => {
                    map.insert(key.clone(), fresh(rest, value));
                    Ok(())
                }
            }
        }
        (Node::List(list), Segment::Key(key)) => {
            let slot = Slot::Index(list_index(key, path)?);
            path.push_str(&format!("[{key}]"));
            match list.items.get_mut(&slot) {
                Some(child) => place(child, path, rest, value),
                None => {
                    list.items.insert(slot, fresh(rest, value));
                    Ok(())
                }
            }
        }
        (Node::List(list), Segment::Append) => {
            path.push_str("[]");
            // Rack's rule for `a[][x]=1&a[][y]=2`: fill the last item until a key repeats, then start a new one.
            if let Some(mut last) = list.items.last_entry()
                && accepts(last.get(), rest)
                && !contains(last.get(), rest)
            {
                return place(last.get_mut(), path, rest, value);
            }
            list.items.insert(Slot::Appended(list.appended), fresh(rest, value));
            list.appended += 1;
            Ok(())
        }
        (Node::Str(_), _) => Err(scalar_clash(path)),
        // Turned into a list above.
        (Node::Map(_), Segment::Append) => Err(clash(path)),
    }
}

/// The index of item `key` in the list at `path`.
fn list_index(key: &str, path: &str) -> Result<u64, ParamError> {
    if !is_index(key) {
        return Err(clash(path));
    }
    key.parse().map_err(|_| {
        let param = format!("{path}[{key}]");
        ParamError::invalid(&param, too_large_index(&param))
    })
}

/// A new branch holding `value` at `segments`.
fn fresh(segments: &[Segment], value: String) -> Node {
    let Some((first, rest)) = segments.split_first() else {
        return Node::Str(value);
    };
    let child = fresh(rest, value);
    match first {
        Segment::Key(key) => {
            let mut map = MapNode::default();
            map.insert(key.clone(), child);
            Node::Map(map)
        }
        Segment::Append => Node::List(ListNode { items: BTreeMap::from([(Slot::Appended(0), child)]), appended: 1 }),
    }
}

/// Whether `node` is the kind of container the next segment descends into.
fn accepts(node: &Node, segments: &[Segment]) -> bool {
    match (node, segments.first()) {
        (Node::Map(_), Some(Segment::Key(_))) | (Node::List(_), Some(Segment::Append)) => true,
        (Node::Map(map), Some(Segment::Append)) => map.has_only_indexes(),
        (Node::List(_), Some(Segment::Key(key))) => is_index(key),
        _ => false,
    }
}

/// Whether a value already sits at `segments` below `node`.
fn contains(node: &Node, segments: &[Segment]) -> bool {
    let Some((first, rest)) = segments.split_first() else {
        return true;
    };
    match (node, first) {
        (Node::Map(map), Segment::Key(key)) => map.get(key).is_some_and(|child| contains(child, rest)),
        (Node::List(list), Segment::Key(key)) => is_index(key)
            .then(|| key.parse().ok())
            .flatten()
            .and_then(|index| list.items.get(&Slot::Index(index)))
            .is_some_and(|child| contains(child, rest)),
        _ => false,
    }
}

impl ListNode {
    /// The items of a map whose keys must all be list indexes; `path` names the map, for errors.
    fn from_indexes(map: MapNode, path: &str) -> Result<Self, ParamError> {
        let mut items = BTreeMap::new();
        for (key, node) in map.entries {
            if items.insert(Slot::Index(list_index(&key, path)?), node).is_some() {
                let param = format!("{path}[{key}]");
                return Err(ParamError::invalid(&param, repeated_index(&param)));
            }
        }
        Ok(Self { items, appended: 0 })
    }
}

impl MapNode {
    fn get(&self, key: &str) -> Option<&Node> {
        self.positions.get(key).map(|&at| &self.entries[at].1)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.positions.get(key).map(|&at| &mut self.entries[at].1)
    }

    /// Whether every key is a list index (`[0]`, `[7]`), so `[]` may join them.
    fn has_only_indexes(&self) -> bool {
        self.entries.iter().all(|(key, _)| is_index(key))
    }

    fn insert(&mut self, key: String, node: Node) {
        self.positions.insert(key.clone(), self.entries.len());
        self.entries.push((key, node));
    }

    fn into_form_map(self) -> FormMap {
        self.entries.into_iter().map(|(key, node)| (key, node.into_value())).collect()
    }
}

impl Node {
    fn into_value(self) -> FormValue {
        match self {
            Node::Str(value) => FormValue::Str(value),
            Node::Map(map) => FormValue::Map(map.into_form_map()),
            Node::List(list) => FormValue::List(list.items.into_values().map(Node::into_value).collect()),
        }
    }
}

fn malformed(key: &str) -> ParamError {
    let message = format!("Invalid parameter name {}: its brackets are unbalanced.", quoted(key));
    ParamError::invalid(key, message)
}

fn scalar_clash(path: &str) -> ParamError {
    let message = format!("Invalid {}: it cannot be both a value and an object or array.", quoted(path));
    ParamError::invalid(path, message)
}

fn clash(path: &str) -> ParamError {
    ParamError::invalid(path, mixed_keys(path))
}

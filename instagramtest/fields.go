package instagramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// fieldReq is one entry of a fields= parameter: a name, its modifiers
// (limit(5), username(x)) and an optional nested selection {a,b}.
type fieldReq struct {
	name   string
	args   map[string]string
	sub    []fieldReq
	hasSub bool
}

// parseFields parses "id,caption,children.limit(3){id,media_type}".
func parseFields(s string) ([]fieldReq, *graphError) {
	p := &fieldParser{src: s}
	list, err := p.list(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.src) {
		return nil, p.errorf("Expected end of string instead of %q.", string(p.src[p.pos]))
	}
	return list, nil
}

type fieldParser struct {
	src string
	pos int
}

func (p *fieldParser) errorf(format string, args ...any) *graphError {
	return newError(http.StatusBadRequest, 2500, 0, typeOAuth, "Syntax error %q at character %d: %s",
		fmt.Sprintf(format, args...), p.pos, p.src)
}

func (p *fieldParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func isNameByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func (p *fieldParser) name() string {
	start := p.pos
	for p.pos < len(p.src) && isNameByte(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func (p *fieldParser) list(depth int) ([]fieldReq, *graphError) {
	var out []fieldReq
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] == '}' {
			return out, nil
		}
		if p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		f, err := p.field(depth)
		if err != nil {
			return nil, err
		}
		if !seen[f.name] {
			seen[f.name] = true
			out = append(out, f)
		}
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] != ',' && p.src[p.pos] != '}' {
			return nil, p.errorf("Expected \",\" or end of string instead of %q.", string(p.src[p.pos]))
		}
	}
}

func (p *fieldParser) field(depth int) (fieldReq, *graphError) {
	f := fieldReq{name: p.name()}
	if f.name == "" {
		return f, p.errorf("Expected a field name instead of %q.", string(p.src[p.pos]))
	}
	for p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		mod := p.name()
		if mod == "" || p.pos >= len(p.src) || p.src[p.pos] != '(' {
			return f, p.errorf("Expected a modifier such as limit(n).")
		}
		end := strings.IndexByte(p.src[p.pos:], ')')
		if end < 0 {
			return f, p.errorf("Expected \")\".")
		}
		if f.args == nil {
			f.args = map[string]string{}
		}
		f.args[mod] = p.src[p.pos+1 : p.pos+end]
		p.pos += end + 1
	}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '{' {
		if depth >= 8 {
			return f, p.errorf("Field expansion nested too deeply.")
		}
		p.pos++
		sub, err := p.list(depth + 1)
		if err != nil {
			return f, err
		}
		if p.pos >= len(p.src) || p.src[p.pos] != '}' {
			return f, p.errorf("Expected \"}\" at the end of the expansion of %s.", f.name)
		}
		p.pos++
		f.sub, f.hasSub = sub, true
	}
	return f, nil
}

// formatFields writes a selection back in fields= syntax.
func formatFields(fs []fieldReq) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f.name)
		for _, k := range sortedKeys(f.args) {
			fmt.Fprintf(&b, ".%s(%s)", k, f.args[k])
		}
		if f.hasSub {
			b.WriteString("{" + formatFields(f.sub) + "}")
		}
	}
	return b.String()
}

// names turns plain field names into a selection.
func names(ns ...string) []fieldReq {
	out := make([]fieldReq, len(ns))
	for i, n := range ns {
		out[i] = fieldReq{name: n}
	}
	return out
}

// jsonObject is a JSON object that keeps its keys in insertion order, so
// answers list fields in the order they were asked, like Meta's.
type jsonObject struct {
	keys []string
	vals map[string]any
}

func newObject() *jsonObject { return &jsonObject{vals: map[string]any{}} }

// set adds or replaces a key.
func (o *jsonObject) set(k string, v any) *jsonObject {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

// get reads a key.
func (o *jsonObject) get(k string) (any, bool) { v, ok := o.vals[k]; return v, ok }

// MarshalJSON writes the object with keys in insertion order.
func (o *jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(o.vals[k]); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// fieldFunc computes one field of an object: the value, and whether the
// object has it (false leaves the field out, as Meta does for fields that
// do not apply). f carries modifiers and a nested selection.
type fieldFunc func(c *call, v any, f fieldReq) (value any, ok bool, err *graphError)

type fieldDef struct {
	hosts hostSet
	get   fieldFunc
}

// kindSpec describes a kind of object: its node type names, the host
// styles it exists on, its fields and the fields answered when none are
// asked.
type kindSpec struct {
	name       string
	typeName   string // node type in errors on Facebook Login
	igTypeName string // node type in errors on Instagram Login
	hosts      hostSet
	fields     map[string]fieldDef
	defaults   []string
}

// defineKind declares (or redeclares) an object kind. Objects of the kind
// answer GET /{id} with field selection; without fields= they answer "id".
func (s *Server) defineKind(name, typeName, igTypeName string, hosts hostSet) *kindSpec {
	if igTypeName == "" {
		igTypeName = typeName
	}
	k := &kindSpec{name: name, typeName: typeName, igTypeName: igTypeName, hosts: hosts,
		fields: map[string]fieldDef{}, defaults: []string{"id"}}
	s.kinds[name] = k
	return k
}

// kind returns a declared kind, to add fields to it; nil if unknown.
func (s *Server) kind(name string) *kindSpec { return s.kinds[name] }

// field adds a field to the kind, available on the given hosts.
func (k *kindSpec) field(name string, hosts hostSet, get fieldFunc) *kindSpec {
	k.fields[name] = fieldDef{hosts: hosts, get: get}
	return k
}

// setDefaults sets the fields answered when a GET asks for none.
func (k *kindSpec) setDefaults(fields ...string) *kindSpec {
	k.defaults = fields
	return k
}

// fieldOf adds a plain field computed from the typed object; ok false
// leaves it out.
func fieldOf[T any](k *kindSpec, name string, hosts hostSet, get func(c *call, v T) (any, bool)) {
	k.field(name, hosts, func(c *call, v any, _ fieldReq) (any, bool, *graphError) {
		val, ok := get(c, v.(T))
		return val, ok, nil
	})
}

func (k *kindSpec) typeFor(h hostSet) string {
	if h == onInstagram {
		return k.igTypeName
	}
	return k.typeName
}

// selection returns the parsed fields= parameter of the call.
func (c *call) selection() ([]fieldReq, *graphError) {
	if !c.hasParam("fields") {
		return nil, nil
	}
	return parseFields(c.param("fields"))
}

// render renders a registered object with a selection (nil: the kind's
// defaults). id always comes back, last when it was not asked for.
func (c *call) render(id string, sel []fieldReq) (*jsonObject, *graphError) {
	o, ok := c.s.objects[id]
	spec := c.s.kinds[o.kind]
	if !ok || spec == nil {
		return nil, errNoSuchObject(http.MethodGet, id)
	}
	if len(sel) == 0 {
		sel = names(spec.defaults...)
	}
	h := c.host()
	out := newObject()
	for _, f := range sel {
		if f.name == "id" {
			out.set("id", id)
			continue
		}
		if def, ok := spec.fields[f.name]; ok && def.hosts&h != 0 {
			v, ok, err := def.get(c, o.value, f)
			if err != nil {
				return nil, err
			}
			if ok {
				out.set(f.name, v)
			}
			continue
		}
		if le := c.s.lists[edgeKey{o.kind, http.MethodGet, f.name}]; le != nil && le.hosts&h != 0 {
			v, err := c.nestedList(le, id, f)
			if err != nil {
				return nil, err
			}
			out.set(f.name, v)
			continue
		}
		return nil, errUnknownField(f.name, spec.typeFor(h))
	}
	if _, ok := out.get("id"); !ok {
		out.set("id", id)
	}
	return out, nil
}

// renderRef renders a reference to another object, as in owner{id,username}:
// without a nested selection it is just {"id": ...}.
func (c *call) renderRef(id string, f fieldReq) (any, bool, *graphError) {
	if id == "" {
		return nil, false, nil
	}
	if !f.hasSub || len(f.sub) == 0 {
		return newObject().set("id", id), true, nil
	}
	o, err := c.render(id, f.sub)
	if err != nil {
		return nil, false, err
	}
	return o, true, nil
}

// writeObject answers GET /{id} for a registered object, honouring fields=.
func (c *call) writeObject(id string) {
	sel, err := c.selection()
	if err == nil {
		var o *jsonObject
		if o, err = c.render(id, sel); err == nil {
			c.writeJSON(http.StatusOK, o)
			return
		}
	}
	c.fail(err)
}

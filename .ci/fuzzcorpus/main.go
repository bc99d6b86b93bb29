// Command fuzzcorpus converts fuzz inputs between the two forms a wsclose
// fuzz target meets: the "go test fuzz v1" files under testdata/fuzz/FuzzXxx/,
// which go test reads, and the byte strings a libFuzzer binary built by
// go-118-fuzz-build reads.
//
// The two are not the same bytes, not even for a target of one []byte. The
// libFuzzer binary passes its input to the testing shim
// (github.com/AdamKorcz/go-118-fuzz-build/testing), whose F.Fuzz cuts it into
// the target's arguments one after another, as go-fuzz-headers' ConsumeFuzzer
// reads them:
//
//	[]byte, string                     a 4-byte big-endian length, then the bytes
//	bool, int8, uint8                  1 byte (bool: an even byte is true)
//	int32, uint32                      4 bytes, big-endian
//	int16, uint16                      2 bytes, then 1 byte: even means little-endian
//	float32                            4 bytes, then the endianness byte
//	int, int64, uint, uint64, float64  8 bytes, then the endianness byte
//
// A []byte length of 0 is read as 30, and one other than the number of bytes
// left is taken modulo that number; a string needs at least one byte after
// its length, even when empty. An input too short for every argument never
// reaches the target. Encoding writes big-endian values and pads where these
// rules need a byte; decoding follows them exactly.
//
// Usage, from the module root:
//
//	go run ./.ci/fuzzcorpus tolibfuzzer FuzzXxx SRC DST
//	go run ./.ci/fuzzcorpus togotest FuzzXxx FILE
//
// tolibfuzzer writes each go test file in the folder SRC as a libFuzzer input
// of the same name in the folder DST. togotest prints the go test file for
// one libFuzzer input, such as a crash-* file, for testdata/fuzz/FuzzXxx/.
// The argument types come from FuzzXxx's f.Fuzz call in the package's
// _test.go files.
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

const header = "go test fuzz v1"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fuzzcorpus:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 4 && args[0] == "tolibfuzzer":
		types, err := argTypes(".", args[1])
		if err != nil {
			return err
		}
		return toLibFuzzer(types, args[2], args[3])
	case len(args) == 3 && args[0] == "togotest":
		types, err := argTypes(".", args[1])
		if err != nil {
			return err
		}
		data, err := os.ReadFile(args[2])
		if err != nil {
			return err
		}
		vals, err := decode(types, data)
		if err != nil {
			return fmt.Errorf("%s: %v", args[2], err)
		}
		_, err = os.Stdout.Write(marshal(vals))
		return err
	}
	return errors.New("usage: fuzzcorpus tolibfuzzer FuzzXxx SRC DST | togotest FuzzXxx FILE")
}

// toLibFuzzer converts every go test file in src into dst.
func toLibFuzzer(types []string, src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil // no seeds
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := filepath.Join(src, e.Name())
		text, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		vals, err := unmarshal(text)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		data, err := encode(types, vals)
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// argTypes returns the types of the fuzz arguments of the target fuzzName,
// declared in a _test.go file in dir, with byte and rune spelled uint8 and
// int32 as reflect spells them.
func argTypes(dir, fuzzName string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Name.Name != fuzzName || fn.Recv != nil {
				continue
			}
			var lit *ast.FuncLit
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Fuzz" {
					if l, ok := call.Args[0].(*ast.FuncLit); ok {
						lit = l
					}
				}
				return lit == nil
			})
			if lit == nil {
				return nil, fmt.Errorf("%s: no f.Fuzz(func(...) {...}) in %s", fset.Position(fn.Pos()), fuzzName)
			}
			var types []string
			for i, field := range lit.Type.Params.List {
				if i == 0 {
					continue // t *testing.T
				}
				typ, err := typeName(field.Type)
				if err != nil {
					return nil, fmt.Errorf("%s: %v", fset.Position(field.Pos()), err)
				}
				for range max(1, len(field.Names)) {
					types = append(types, typ)
				}
			}
			if len(lit.Type.Params.List[0].Names) > 1 {
				return nil, fmt.Errorf("%s: the first parameter must be the only *testing.T", fset.Position(lit.Pos()))
			}
			return types, nil
		}
	}
	return nil, fmt.Errorf("no func %s in %s", fuzzName, filepath.Join(dir, "*_test.go"))
}

func typeName(e ast.Expr) (string, error) {
	switch e := e.(type) {
	case *ast.ArrayType:
		if elt, ok := e.Elt.(*ast.Ident); ok && e.Len == nil && (elt.Name == "byte" || elt.Name == "uint8") {
			return "[]uint8", nil
		}
	case *ast.Ident:
		switch e.Name {
		case "byte":
			return "uint8", nil
		case "rune":
			return "int32", nil
		case "string", "bool", "float32", "float64",
			"int", "int8", "int16", "int32", "int64",
			"uint", "uint8", "uint16", "uint32", "uint64":
			return e.Name, nil
		}
	}
	return "", fmt.Errorf("fuzz argument of type %s: neither go test nor the testing shim takes it", types.ExprString(e))
}

// unmarshal parses a go test corpus file: the header line, then one
// conversion of a literal per line, such as []byte("\x03\xe8"), uint16(1000)
// or math.Float64frombits(0x7ff8000000000001).
func unmarshal(text []byte) ([]any, error) {
	lines := strings.Split(strings.TrimRight(string(text), "\n"), "\n")
	if lines[0] != header {
		return nil, fmt.Errorf("first line is not %q", header)
	}
	var vals []any
	for i, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		v, err := parseValue(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", i+2, err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, errors.New("no values")
	}
	return vals, nil
}

func parseValue(line string) (any, error) {
	expr, err := parser.ParseExpr(line)
	if err != nil {
		return nil, err
	}
	call, ok := expr.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil, errors.New("want a conversion such as string(\"...\")")
	}
	var typ string
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		if x, ok := fun.X.(*ast.Ident); ok && x.Name == "math" {
			typ = "math." + fun.Sel.Name
		}
	default:
		typ, _ = typeName(fun)
	}
	lit := literal(call.Args[0])
	switch typ {
	case "[]uint8", "string":
		s, err := strconv.Unquote(lit)
		if err != nil {
			return nil, fmt.Errorf("%s needs a string literal", typ)
		}
		if typ == "string" {
			return s, nil
		}
		return []byte(s), nil
	case "bool":
		b, err := strconv.ParseBool(lit)
		return b, err
	case "uint8", "int32":
		if strings.HasPrefix(lit, "'") {
			r, _, tail, err := strconv.UnquoteChar(lit[1:len(lit)-1], '\'')
			if err != nil || tail != "" {
				return nil, fmt.Errorf("bad character literal %s", lit)
			}
			if typ == "int32" {
				return int32(r), nil
			}
			if r > 0xFF {
				return nil, fmt.Errorf("%s is not a byte", lit)
			}
			return uint8(r), nil
		}
	case "float32":
		f, err := strconv.ParseFloat(lit, 32)
		return float32(f), err
	case "float64":
		return strconv.ParseFloat(lit, 64)
	case "math.Float32frombits":
		u, err := strconv.ParseUint(lit, 0, 32)
		return math.Float32frombits(uint32(u)), err
	case "math.Float64frombits":
		u, err := strconv.ParseUint(lit, 0, 64)
		return math.Float64frombits(u), err
	case "":
		return nil, fmt.Errorf("unknown type in %s", line)
	}
	// The integer types, and byte and rune given as numbers.
	size := map[string]int{"int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64,
		"uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}[typ]
	if strings.HasPrefix(typ, "u") {
		u, err := strconv.ParseUint(lit, 0, size)
		if err != nil {
			return nil, err
		}
		return map[string]any{"uint": uint(u), "uint8": uint8(u), "uint16": uint16(u), "uint32": uint32(u), "uint64": u}[typ], nil
	}
	n, err := strconv.ParseInt(lit, 0, size)
	if err != nil {
		return nil, err
	}
	return map[string]any{"int": int(n), "int8": int8(n), "int16": int16(n), "int32": int32(n), "int64": n}[typ], nil
}

// literal returns the source text of a literal argument: a basic literal,
// a negative number, true, false, NaN, +Inf or -Inf.
func literal(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Value
	case *ast.Ident:
		return e.Name
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			return e.Op.String() + literal(e.X)
		}
	}
	return ""
}

// marshal writes vals as a go test corpus file.
func marshal(vals []any) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for _, v := range vals {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		case int32:
			if utf8.ValidRune(v) {
				fmt.Fprintf(&b, "rune(%q)\n", v)
			} else {
				fmt.Fprintf(&b, "int32(%d)\n", v)
			}
		case float32:
			if math.IsNaN(float64(v)) {
				fmt.Fprintf(&b, "math.Float32frombits(%#x)\n", math.Float32bits(v))
			} else {
				fmt.Fprintf(&b, "float32(%v)\n", v)
			}
		case float64:
			if math.IsNaN(v) {
				fmt.Fprintf(&b, "math.Float64frombits(%#x)\n", math.Float64bits(v))
			} else {
				fmt.Fprintf(&b, "float64(%v)\n", v)
			}
		default: // bool and the other integers
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		}
	}
	return b.Bytes()
}

// encode returns the libFuzzer input that the testing shim cuts into vals.
func encode(types []string, vals []any) ([]byte, error) {
	if len(vals) != len(types) {
		return nil, fmt.Errorf("%d values for %d fuzz arguments", len(vals), len(types))
	}
	var tail []byte // the encoding of vals[i+1:]
	for i := len(vals) - 1; i >= 0; i-- {
		if got := fmt.Sprintf("%T", vals[i]); got != types[i] {
			return nil, fmt.Errorf("value %d is a %s, the target takes a %s", i+1, got, types[i])
		}
		var b []byte
		switch v := vals[i].(type) {
		case []byte:
			n := uint32(len(v))
			if n == 0 {
				// A length of 0 reads as 30; one that is a multiple of the
				// bytes left (and not equal to it) reads as 0.
				if len(tail) == 0 {
					tail = []byte{0}
				}
				n = 2 * uint32(len(tail))
			}
			b = append(binary.BigEndian.AppendUint32(nil, n), v...)
		case string:
			if v == "" && len(tail) == 0 {
				tail = []byte{0} // a string needs a byte after its length
			}
			b = append(binary.BigEndian.AppendUint32(nil, uint32(len(v))), v...)
		case bool:
			b = []byte{1} // odd: false
			if v {
				b = []byte{0}
			}
		case int8:
			b = []byte{byte(v)}
		case uint8:
			b = []byte{v}
		case int16:
			b = binary.BigEndian.AppendUint16(nil, uint16(v))
		case uint16:
			b = binary.BigEndian.AppendUint16(nil, v)
		case int32:
			b = binary.BigEndian.AppendUint32(nil, uint32(v))
		case uint32:
			b = binary.BigEndian.AppendUint32(nil, v)
		case float32:
			b = binary.BigEndian.AppendUint32(nil, math.Float32bits(v))
		case int:
			b = binary.BigEndian.AppendUint64(nil, uint64(v))
		case int64:
			b = binary.BigEndian.AppendUint64(nil, uint64(v))
		case uint:
			b = binary.BigEndian.AppendUint64(nil, uint64(v))
		case uint64:
			b = binary.BigEndian.AppendUint64(nil, v)
		case float64:
			b = binary.BigEndian.AppendUint64(nil, math.Float64bits(v))
		}
		switch types[i] {
		case "int16", "uint16", "float32", "int", "int64", "uint", "uint64", "float64":
			b = append(b, 1) // odd: big-endian
		}
		tail = append(b, tail...)
	}
	return tail, nil
}

// decode cuts data into values of the given types as the testing shim does.
func decode(types []string, data []byte) ([]any, error) {
	short := errors.New("too short to reach the target: the testing shim returns before calling it")
	pos := 0
	next := func(n int) ([]byte, error) {
		if pos >= len(data) || len(data)-pos < n {
			return nil, short
		}
		pos += n
		return data[pos-n : pos], nil
	}
	// order reads n bytes and, for the types that have one, the endianness byte.
	order := func(n int) ([]byte, binary.ByteOrder, error) {
		b, err := next(n)
		if err != nil {
			return nil, nil, err
		}
		f, err := next(1)
		if err != nil {
			return nil, nil, err
		}
		if f[0]%2 == 0 {
			return b, binary.LittleEndian, nil
		}
		return b, binary.BigEndian, nil
	}
	var vals []any
	for _, typ := range types {
		var v any
		switch typ {
		case "[]uint8":
			b, err := next(4)
			if err != nil {
				return nil, err
			}
			n := binary.BigEndian.Uint32(b)
			if n == 0 {
				n = 30
			}
			left := uint32(len(data) - pos)
			if left == 0 {
				return nil, short
			}
			if n != left {
				n %= left
			}
			v = bytes.Clone(data[pos : pos+int(n)])
			pos += int(n)
		case "string":
			b, err := next(4)
			if err != nil {
				return nil, err
			}
			n := int(binary.BigEndian.Uint32(b))
			if pos >= len(data) || n > len(data)-pos {
				return nil, short
			}
			v = string(data[pos : pos+n])
			pos += n
		case "bool", "int8", "uint8":
			b, err := next(1)
			if err != nil {
				return nil, err
			}
			v = map[string]any{"bool": b[0]%2 == 0, "int8": int8(b[0]), "uint8": b[0]}[typ]
		case "int32", "uint32":
			b, err := next(4)
			if err != nil {
				return nil, err
			}
			u := binary.BigEndian.Uint32(b)
			v = map[string]any{"int32": int32(u), "uint32": u}[typ]
		case "int16", "uint16":
			b, o, err := order(2)
			if err != nil {
				return nil, err
			}
			u := o.Uint16(b)
			v = map[string]any{"int16": int16(u), "uint16": u}[typ]
		case "float32":
			b, o, err := order(4)
			if err != nil {
				return nil, err
			}
			v = math.Float32frombits(o.Uint32(b))
		default: // int, int64, uint, uint64, float64
			b, o, err := order(8)
			if err != nil {
				return nil, err
			}
			u := o.Uint64(b)
			v = map[string]any{"int": int(u), "int64": int64(u), "uint": uint(u), "uint64": u, "float64": math.Float64frombits(u)}[typ]
		}
		vals = append(vals, v)
	}
	return vals, nil
}

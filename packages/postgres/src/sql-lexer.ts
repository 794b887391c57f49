/** What {@link scanSql} learns about a query's programmer-written SQL text. */
export interface SqlScan {
  /** For each value boundary: true when it sits in plain SQL (not in a string, identifier or comment). */
  boundariesInCode: boolean[];
  /** True when the text has an `ORDER BY` outside parentheses, strings and comments. */
  topLevelOrderBy: boolean;
}

enum State {
  Code = 0,
  String = 1,
  EscapeString = 2,
  Identifier = 3,
  Dollar = 4,
  LineComment = 5,
  BlockComment = 6,
}

/**
 * Lexes the text pieces of a query (the parts around its values) as PostgreSQL does with
 * `standard_conforming_strings = on`, which every exportkit read sets. Inlining a value is only
 * safe where a bind parameter would be a value: in plain SQL, never inside a quoted string,
 * quoted identifier, dollar-quoted body or comment, where a value's line break or quote could
 * end the enclosing token.
 */
export function scanSql(pieces: readonly string[]): SqlScan {
  let state: State = State.Code;
  let depth = 0;
  let blockDepth = 0;
  let dollarTag = '';
  let skeleton = '';
  const boundariesInCode: boolean[] = [];

  pieces.forEach((text, pieceIndex) => {
    if (pieceIndex > 0) {
      boundariesInCode.push(state === State.Code);
      // A value is one token; keep words on either side apart in the skeleton.
      skeleton += ' ';
    }
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      const next = text[i + 1];
      switch (state) {
        case State.Code:
          if (c === "'") {
            const prev = text[i - 1];
            state =
              (prev === 'E' || prev === 'e') && !isWordChar(text[i - 2])
                ? State.EscapeString
                : State.String;
          } else if (c === '"') state = State.Identifier;
          else if (c === '-' && next === '-') {
            state = State.LineComment;
            i++;
          } else if (c === '/' && next === '*') {
            state = State.BlockComment;
            blockDepth = 1;
            i++;
          } else if (c === '$' && !isWordChar(text[i - 1])) {
            const match = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i));
            if (match) {
              state = State.Dollar;
              dollarTag = match[0];
              i += dollarTag.length - 1;
            }
          } else if (c === '(') depth++;
          else if (c === ')') depth--;
          else if (depth === 0) skeleton += c;
          if (state !== State.Code || depth !== 0 || c === ')') skeleton += ' ';
          break;
        case State.String:
        case State.EscapeString:
        case State.Identifier: {
          const quote = state === State.Identifier ? '"' : "'";
          if (state === State.EscapeString && c === '\\') i++;
          // A doubled quote is a quote inside the token, not its end.
          else if (c === quote && next === quote) i++;
          else if (c === quote) state = State.Code;
          break;
        }
        case State.Dollar:
          if (c === '$' && text.startsWith(dollarTag, i)) {
            state = State.Code;
            i += dollarTag.length - 1;
          }
          break;
        case State.LineComment:
          if (c === '\n' || c === '\r') state = State.Code;
          break;
        case State.BlockComment:
          if (c === '/' && next === '*') {
            blockDepth++;
            i++;
          } else if (c === '*' && next === '/') {
            blockDepth--;
            i++;
            if (blockDepth === 0) state = State.Code;
          }
          break;
      }
      i++;
    }
  });
  return { boundariesInCode, topLevelOrderBy: /\border\s+by\b/i.test(skeleton) };
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$\u0080-\uffff]/.test(c);
}

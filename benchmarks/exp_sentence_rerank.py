"""Experiment (not shipped): rerank hybrid candidates by their best sentence.

For each valid question, takes the top TOP hybrid candidates, embeds their
sentences, and compares hybrid ranking with hybrid + w * (best sentence cosine).
Needs benchmarks/data from convert_eval.py, the pooled index, and the query
vectors cached by tune_retrieval.py.

Usage: python benchmarks/exp_sentence_rerank.py SET N TOP
e.g.   python benchmarks/exp_sentence_rerank.py belebele_en 150 30
"""
import json, sys, numpy as np
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parent.parent))
from assistant.embedders import load_embedder
from assistant.retrieval import retrieve
from assistant.ingest.sentences import sentence_spans
from assistant.store.index import IndexReader
D=str(__import__('pathlib').Path(__file__).resolve().parent / 'data') + '/'
r=IndexReader(D+'index-e5'); emb=load_embedder(r.model_id)
name=sys.argv[1]; N=int(sys.argv[2]); TOP=int(sys.argv[3]) if len(sys.argv)>3 else 10
rows=[json.loads(l) for l in open(D+f'{name}.valid.jsonl')][:N]
qv=np.load(D+f'qvec.{name}.valid.npy')[:N]
cache={}
items=[]
with r.snapshot():
    art=dict(r.conn.execute("SELECT p.id, a.public_id FROM passages p JOIN articles a ON a.id=p.article_id"))
    for x,v in zip(rows,qv):
        c=retrieve(r,x['question'],v,TOP,'hybrid')
        hits=r.passages([k.passage_id for k in c])
        feats=[]
        for k in c:
            if k.passage_id not in cache:
                t=hits[k.passage_id].text
                ss=[t[a:b] for a,b in sentence_spans(t)] or [t]
                cache[k.passage_id]=emb.embed_passages(ss)
            s=cache[k.passage_id]@v
            feats.append((k.score, k.dense, float(s.max()), float(np.sort(s)[-2:].mean()), art[k.passage_id]==x['gold_article_id']))
        items.append(np.array(feats))
def ev(fn):
    rr=r5=0
    for f in items:
        o=np.argsort(-fn(f), kind='stable')
        g=np.where(f[o,4]>0)[0]
        if len(g): k=g[0]+1; rr+=1/k; r5+=k<=5
    return rr/len(items), r5/len(items)
print(name, "hybrid", ev(lambda f:f[:,0]), "in pool", np.mean([f[:,4].max()>0 for f in items]))
for w in (0.25,0.5,1.0,2.0):
    print(name, 'hyb+w*maxsent', w, ev(lambda f:f[:,0]+w*f[:,2]), 'top2mean', ev(lambda f:f[:,0]+w*f[:,3]))
print(name, 'sentence-only + cov', ev(lambda f: f[:,0]-f[:,1]+f[:,2]))
for a in (0.3, 0.5, 0.7):
    print(name, f'mix {a}*cos + (1-{a})*maxsent + cov', ev(lambda f: f[:,0]-f[:,1]+a*f[:,1]+(1-a)*f[:,2]))
